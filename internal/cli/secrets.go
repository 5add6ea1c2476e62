package cli

import (
	"context"
	"path/filepath"
	"sync"

	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// runSecrets resolves the clan's credentials and encryption passphrase the
// first time a tofu process needs them, once per run: commands such as
// `clan secrets get` cost a process, and commands that start no tofu
// (status, output of plaintext state) must not ask for secrets at all.
type runSecrets struct {
	lc         *loadedClan
	engine     string
	encryption *state.Encryption

	once  sync.Once
	creds []string
	keys  *state.Keys
	err   error
}

func newRunSecrets(lc *loadedClan, engine string) *runSecrets {
	rs := &runSecrets{lc: lc, engine: engine}
	if e := lc.Settings.Encryption; e != nil {
		rs.encryption = &state.Encryption{Passphrase: state.SecretSource{Command: e.PassphraseCommand, Env: e.PassphraseEnv, File: e.PassphraseFile}}
		if e.FallbackPassphraseCommand != "" || e.FallbackPassphraseEnv != "" {
			rs.encryption.OldPassphrase = &state.SecretSource{Command: e.FallbackPassphraseCommand, Env: e.FallbackPassphraseEnv}
		}
	}
	return rs
}

func (rs *runSecrets) resolve(ctx context.Context) error {
	rs.once.Do(func() {
		sources := map[string]state.SecretSource{}
		for name, s := range rs.lc.Settings.Credentials {
			sources[name] = secretSource(s)
		}
		if b := rs.lc.Settings.Backend; b != nil {
			for name, s := range b.Secrets {
				sources[name] = secretSource(s)
			}
			for _, wb := range b.Workspaces {
				for name, s := range wb.Secrets {
					sources[name] = secretSource(s)
				}
			}
		}
		if rs.creds, rs.err = state.CredentialsEnv(ctx, rs.lc.Root, sources); rs.err != nil {
			return
		}
		if rs.encryption != nil {
			rs.keys, rs.err = state.ResolveEncryption(ctx, rs.lc.Root, *rs.encryption, rs.engine)
		}
	})
	return rs.err
}

// install makes the runner's tofu processes get the secrets.
func (rs *runSecrets) install(ctx context.Context, runner *operation.Runner) {
	runner.EnvFor = func(w *workspace.Workspace) ([]string, error) {
		if err := rs.resolve(ctx); err != nil {
			return nil, err
		}
		env := append([]string(nil), rs.creds...)
		if rs.keys != nil {
			reads := []string{filepath.Join(rs.lc.Root, w.StateFile())}
			for _, ref := range w.Refs {
				if up, ok := rs.lc.Set.Get(ref.Workspace); ok {
					reads = append(reads, filepath.Join(rs.lc.Root, up.StateFile()))
				}
			}
			env = append(env, "TF_ENCRYPTION="+rs.keys.Env(reads...))
		}
		return env, nil
	}
}
