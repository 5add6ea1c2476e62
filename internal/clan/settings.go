package clan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Settings are the clan-wide settings of clan-terranix: the settings of the
// terranix service instance's infra-manager role
// (inventory/services/terranix.nix). Every field is optional.
type Settings struct {
	// Engine is "tofu" or "terraform"; the --engine flag wins.
	Engine string `json:"engine,omitempty"`
	// Parallelism bounds how many workspaces run at once (default 4, at
	// most MaxParallelism).
	Parallelism int `json:"parallelism,omitempty"`
	// Lock is "local" (a file lock on this host, the default) or "git"
	// (a lock ref on the git remote, for teams).
	Lock string `json:"lock,omitempty"`
	// LockRemote is the git remote of the team lock (default "origin").
	LockRemote string `json:"lockRemote,omitempty"`
	// LockTimeout is how long to wait for a held lock, e.g. "5m" (default 0: fail at once).
	LockTimeout string `json:"lockTimeout,omitempty"`
	// Encryption turns on OpenTofu's native state and plan encryption.
	Encryption *Encryption `json:"encryption,omitempty"`
	// Credentials are environment variables for tofu, each from a command,
	// another environment variable or a file.
	Credentials map[string]Secret `json:"credentials,omitempty"`
	// Backend puts state in a team backend (pg, s3, http) instead of git.
	Backend *Backend `json:"backend,omitempty"`
	// Retry lists extra error patterns (regular expressions) worth retrying.
	Retry *Retry `json:"retry,omitempty"`
	// ClanDirectory and DriftCheck configure the infra-manager machine's
	// NixOS service (nix/modules/clan-service); the CLI ignores them.
	ClanDirectory string          `json:"clanDirectory,omitempty"`
	DriftCheck    json.RawMessage `json:"driftCheck,omitempty"`
}

// Encryption says where the state passphrase comes from.
type Encryption struct {
	PassphraseCommand string `json:"passphraseCommand,omitempty"`
	PassphraseEnv     string `json:"passphraseEnv,omitempty"`
	PassphraseFile    string `json:"passphraseFile,omitempty"`
	// FallbackPassphrase* name the old passphrase while rotating (state rekey).
	FallbackPassphraseCommand string `json:"fallbackPassphraseCommand,omitempty"`
	FallbackPassphraseEnv     string `json:"fallbackPassphraseEnv,omitempty"`
}

// Secret is where one secret value comes from; exactly one field is set.
type Secret struct {
	Command string `json:"command,omitempty"`
	Env     string `json:"env,omitempty"`
	File    string `json:"file,omitempty"`
}

// Backend is a team backend for every workspace (Workspaces overrides per workspace).
type Backend struct {
	Type   string         `json:"type"`
	Config map[string]any `json:"config,omitempty"`
	// Secrets become environment variables of tofu (e.g. PG_CONN_STR).
	Secrets    map[string]Secret   `json:"secrets,omitempty"`
	Workspaces map[string]*Backend `json:"workspaces,omitempty"`
}

// Retry configures retries of transient errors.
type Retry struct {
	Attempts int      `json:"attempts,omitempty"`
	Patterns []string `json:"patterns,omitempty"`
}

// ParseSettings decodes the settings JSON of an evaluation. Unknown keys are
// an error naming the key, so that a typo does not silently do nothing.
func ParseSettings(raw json.RawMessage) (*Settings, error) {
	s := &Settings{}
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return s, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		return nil, fmt.Errorf("%s: infra-manager settings: %s", ServiceFile, strings.TrimPrefix(err.Error(), "json: "))
	}
	return s, s.validate()
}

func (s *Settings) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: infra-manager settings: "+format, append([]any{ServiceFile}, args...)...)
	}
	switch s.Engine {
	case "", "tofu", "terraform":
	default:
		return bad("engine = %q: use \"tofu\" or \"terraform\"", s.Engine)
	}
	switch s.Lock {
	case "", "local", "git":
	default:
		return bad("lock = %q: use \"local\" or \"git\"", s.Lock)
	}
	if s.LockTimeout != "" {
		if _, err := time.ParseDuration(s.LockTimeout); err != nil {
			return bad("lockTimeout = %q is not a duration like \"30s\" or \"5m\"", s.LockTimeout)
		}
	}
	if s.Parallelism < 0 || s.Parallelism > MaxParallelism {
		return bad("parallelism = %d: use 1 to %d", s.Parallelism, MaxParallelism)
	}
	for name, sec := range s.Credentials {
		if err := sec.check(); err != nil {
			return bad("credentials.%s: %v", name, err)
		}
	}
	if e := s.Encryption; e != nil {
		n := 0
		for _, v := range []string{e.PassphraseCommand, e.PassphraseEnv, e.PassphraseFile} {
			if v != "" {
				n++
			}
		}
		if n != 1 {
			return bad("encryption: set exactly one of passphraseCommand, passphraseEnv, passphraseFile")
		}
	}
	if b := s.Backend; b != nil {
		if err := b.check("backend"); err != nil {
			return bad("%v", err)
		}
	}
	return nil
}

func (sec Secret) check() error {
	n := 0
	for _, v := range []string{sec.Command, sec.Env, sec.File} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("set exactly one of command, env, file")
	}
	return nil
}

func (b *Backend) check(path string) error {
	switch b.Type {
	case "pg", "s3", "http", "local":
	default:
		return fmt.Errorf("%s.type = %q: use pg, s3, http or local", path, b.Type)
	}
	for name, sec := range b.Secrets {
		if err := sec.check(); err != nil {
			return fmt.Errorf("%s.secrets.%s: %v", path, name, err)
		}
	}
	for ws, wb := range b.Workspaces {
		if err := wb.check(path + ".workspaces." + ws); err != nil {
			return err
		}
	}
	return nil
}

// MaxParallelism bounds --parallelism and the parallelism setting: every
// workspace that runs is a tofu process with its providers, and more than
// this many at once only makes them wait for each other and the machine.
const MaxParallelism = 64
