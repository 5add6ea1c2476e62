package app

import (
	"context"
	"path/filepath"
	"sync"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// runSecrets resolves the clan's credentials and encryption passphrase the
// first time a tofu process needs them, once per run: commands such as
// `clan secrets get` cost a process, and commands that start no tofu
// (status, output of plaintext state) must not ask for secrets at all.
type runSecrets struct {
	c          *Clan
	engine     string
	encryption *state.Encryption

	once  sync.Once
	creds []string
	keys  *state.Keys
	err   error
}

// Encryption is the state encryption of the clan's settings; nil: none.
func Encryption(s *clan.Settings) *state.Encryption {
	e := s.Encryption
	if e == nil {
		return nil
	}
	enc := &state.Encryption{Passphrase: state.SecretSource{Command: e.PassphraseCommand, Env: e.PassphraseEnv, File: e.PassphraseFile}}
	if e.FallbackPassphraseCommand != "" || e.FallbackPassphraseEnv != "" {
		enc.OldPassphrase = &state.SecretSource{Command: e.FallbackPassphraseCommand, Env: e.FallbackPassphraseEnv}
	}
	return enc
}

func (rs *runSecrets) resolve(ctx context.Context) error {
	rs.once.Do(func() {
		sources := map[string]state.SecretSource{}
		for name, s := range rs.c.Settings.Credentials {
			sources[name] = secretSource(s)
		}
		if b := rs.c.Settings.Backend; b != nil {
			for name, s := range b.Secrets {
				sources[name] = secretSource(s)
			}
			for _, wb := range b.Workspaces {
				for name, s := range wb.Secrets {
					sources[name] = secretSource(s)
				}
			}
		}
		if rs.creds, rs.err = state.CredentialsEnv(ctx, rs.c.Root, sources); rs.err != nil {
			return
		}
		if rs.encryption != nil {
			rs.keys, rs.err = state.ResolveEncryption(ctx, rs.c.Root, *rs.encryption, rs.engine)
		}
	})
	return rs.err
}

// envFor is what the runner's tofu processes get in w: the secrets,
// resolved at the first one (with ctx, the command's).
func (rs *runSecrets) envFor(ctx context.Context) func(w *workspace.Workspace) ([]string, error) {
	return func(w *workspace.Workspace) ([]string, error) {
		if err := rs.resolve(ctx); err != nil {
			return nil, err
		}
		env := append([]string(nil), rs.creds...)
		if rs.keys != nil {
			reads := []string{filepath.Join(rs.c.Root, w.StateFile())}
			for _, ref := range w.Refs {
				if up, ok := rs.c.Set.Get(ref.Workspace); ok {
					reads = append(reads, filepath.Join(rs.c.Root, up.StateFile()))
				}
			}
			env = append(env, "TF_ENCRYPTION="+rs.keys.Env(reads...))
		}
		return env, nil
	}
}
