package workspace

import (
	"fmt"
	"sort"
	"strings"

	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// Default prefixes of the per-workspace names in a team backend. Each
// workspace needs its own place: two workspaces sharing one pg schema or one
// s3 key would overwrite each other's state.
const (
	DefaultPgSchemaPrefix = "clan_terranix"
	DefaultS3KeyPrefix    = "clan-terranix"
)

// TeamBackendTypes are the backends the clan's `backend` setting may name
// besides "local" (state in git).
var TeamBackendTypes = []string{"pg", "s3", "http"}

// IsTeamBackend reports whether typ is one of TeamBackendTypes.
func IsTeamBackend(typ string) bool {
	for _, t := range TeamBackendTypes {
		if t == typ {
			return true
		}
	}
	return false
}

// GitBackend is the backend of state kept in git: a local file below
// terraform-state/, as seen from the work dir.
func GitBackend(w *Workspace) Backend {
	return Backend{Type: "local", Config: map[string]any{"path": fromWorkDir(w.StateFile())}}
}

// teamBackend returns the backend the clan's `backend` setting gives workspace
// ws, and false when its state stays in git (no setting, or type "local").
//
// A `workspaces.<ws>` entry of the same type adds to the clan-wide config; one
// of another type replaces it. The per-workspace name (pg schema_name, s3 key,
// http address) is derived from the clan-wide value as a prefix, unless the
// workspace's own entry sets it: then it is used as written.
func teamBackend(ws string, team *clan.Backend) (Backend, bool, error) {
	if team == nil {
		return Backend{}, false, nil
	}
	typ := team.Type
	base := copyConfig(team.Config)
	own := map[string]any{}
	if o := team.Workspaces[ws]; o != nil {
		if o.Type != typ {
			base = map[string]any{}
		}
		typ = o.Type
		own = copyConfig(o.Config)
	}
	if typ == "local" || typ == "" {
		return Backend{}, false, nil
	}
	cfg := copyConfig(base)
	for k, v := range own {
		cfg[k] = v
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: infra-manager settings: backend (workspace %s): "+format, append([]any{clan.ServiceFile, ws}, args...)...)
	}
	switch typ {
	case "pg":
		if _, set := own["schema_name"]; !set {
			cfg["schema_name"] = prefixOr(base["schema_name"], DefaultPgSchemaPrefix) + "_" + ws
		}
	case "s3":
		if _, ok := cfg["bucket"].(string); !ok {
			return Backend{}, false, bad("s3 needs config.bucket")
		}
		if _, set := own["key"]; !set {
			cfg["key"] = strings.TrimRight(prefixOr(base["key"], DefaultS3KeyPrefix), "/") + "/" + ws + "/" + clan.StateFileName
		}
		if _, set := cfg["use_lockfile"]; !set {
			cfg["use_lockfile"] = true // S3's own lock file: no DynamoDB table needed
		}
	case "http":
		address, ok := cfg["address"].(string)
		if !ok || address == "" {
			return Backend{}, false, bad("http needs config.address (the base URL; each workspace gets <address>/<workspace>)")
		}
		if _, set := own["address"]; !set {
			cfg["address"] = strings.TrimRight(address, "/") + "/" + ws
		}
		for _, key := range []string{"lock_address", "unlock_address"} {
			if _, set := own[key]; set {
				continue
			}
			if b, ok := base[key].(string); ok && b != "" {
				cfg[key] = strings.TrimRight(b, "/") + "/" + ws
			} else {
				cfg[key] = cfg["address"]
			}
		}
	default:
		return Backend{}, false, bad("type %q: use %s or local", typ, strings.Join(TeamBackendTypes, ", "))
	}
	return Backend{Type: typ, Config: cfg}, true, nil
}

// Where describes the backend for messages and commit notes:
// `pg (schema_name "clan_terranix_web")`, `git (terraform-state/...)`.
func (b Backend) Where() string {
	if b.IsGitState() {
		return "git"
	}
	for _, key := range []string{"schema_name", "key", "address", "path"} {
		if v, ok := b.Config[key].(string); ok {
			if b.Type == "s3" {
				if bucket, ok := b.Config["bucket"].(string); ok {
					v = "s3://" + bucket + "/" + v
				}
			}
			return fmt.Sprintf("%s (%s %q)", b.Type, key, v)
		}
	}
	return b.Type
}

// Block is the backend as a terraform.backend block of config.tf.json.
func (b Backend) Block() map[string]any {
	return map[string]any{b.Type: copyConfig(b.Config)}
}

func prefixOr(v any, def string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return def
}

func copyConfig(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// unknownBackendWorkspaces lists the workspaces that `backend.workspaces`
// names but the clan does not have (a typo would silently keep state in the
// wrong place).
func unknownBackendWorkspaces(team *clan.Backend, s *Set) []string {
	if team == nil {
		return nil
	}
	var unknown []string
	for ws := range team.Workspaces {
		if _, ok := s.byName[ws]; !ok {
			unknown = append(unknown, ws)
		}
	}
	sort.Strings(unknown)
	return unknown
}
