package workspace

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
)

func TestTeamBackendPerWorkspace(t *testing.T) {
	for _, tc := range []struct {
		name string
		team *clan.Backend
		want string // the backend block of web-server as JSON; "" means state in git
	}{
		{"no setting", nil, ""},
		{"local", &clan.Backend{Type: "local"}, ""},
		{"pg default schema", &clan.Backend{Type: "pg"}, `{"pg":{"schema_name":"clan_terranix_web-server"}}`},
		{"pg schema prefix", &clan.Backend{Type: "pg", Config: map[string]any{"schema_name": "infra"}}, `{"pg":{"schema_name":"infra_web-server"}}`},
		{"pg own schema", &clan.Backend{Type: "pg", Workspaces: map[string]*clan.Backend{"web-server": {Type: "pg", Config: map[string]any{"schema_name": "web"}}}}, `{"pg":{"schema_name":"web"}}`},
		{"s3 key and lock file", &clan.Backend{Type: "s3", Config: map[string]any{"bucket": "b", "region": "eu-central-1"}},
			`{"s3":{"bucket":"b","key":"clan-terranix/web-server/terraform.tfstate","region":"eu-central-1","use_lockfile":true}}`},
		{"s3 key prefix", &clan.Backend{Type: "s3", Config: map[string]any{"bucket": "b", "key": "states/", "use_lockfile": false}},
			`{"s3":{"bucket":"b","key":"states/web-server/terraform.tfstate","use_lockfile":false}}`},
		{"http addresses", &clan.Backend{Type: "http", Config: map[string]any{"address": "https://state.example/ws/"}},
			`{"http":{"address":"https://state.example/ws/web-server","lock_address":"https://state.example/ws/web-server","unlock_address":"https://state.example/ws/web-server"}}`},
		{"http own lock address", &clan.Backend{Type: "http", Config: map[string]any{"address": "https://s/a", "lock_address": "https://s/l"}},
			`{"http":{"address":"https://s/a/web-server","lock_address":"https://s/l/web-server","unlock_address":"https://s/a/web-server"}}`},
		{"one workspace stays in git", &clan.Backend{Type: "pg", Workspaces: map[string]*clan.Backend{"web-server": {Type: "local"}}}, ""},
		{"one workspace elsewhere", &clan.Backend{Type: "pg", Config: map[string]any{"schema_name": "x"}, Workspaces: map[string]*clan.Backend{"web-server": {Type: "s3", Config: map[string]any{"bucket": "b"}}}},
			`{"s3":{"bucket":"b","key":"clan-terranix/web-server/terraform.tfstate","use_lockfile":true}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := BuildWithBackend("/clan", planResult(`{"vpc_id": {"value": "x"}, "subnet_id": {"value": "y"}}`), tc.team)
			if err != nil {
				t.Fatal(err)
			}
			w, _ := set.Get("web-server")
			if tc.want == "" {
				if !w.Backend.IsGitState() {
					t.Fatalf("backend = %+v, want state in git", w.Backend)
				}
				return
			}
			got, _ := json.Marshal(w.Backend.Block())
			if string(got) != tc.want {
				t.Errorf("backend block =\n %s\nwant\n %s", got, tc.want)
			}
			if w.Backend.IsGitState() {
				t.Errorf("a team backend counts as state in git")
			}
		})
	}
}

// A dependent reads its upstream where the upstream keeps its state: the
// remote state block carries the upstream's own backend config.
func TestRemoteStateFollowsTheUpstreamsBackend(t *testing.T) {
	team := &clan.Backend{Type: "pg", Workspaces: map[string]*clan.Backend{"web-server": {Type: "local"}}}
	set, err := BuildWithBackend("/clan", planResult(`{"vpc_id": {"value": "x"}, "subnet_id": {"value": "y"}}`), team)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := set.Get("web-server")
	config, err := set.Generate(w)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Terraform struct {
			Backend map[string]any `json:"backend"`
		} `json:"terraform"`
		Data struct {
			RemoteState map[string]struct {
				Backend string         `json:"backend"`
				Config  map[string]any `json:"config"`
			} `json:"terraform_remote_state"`
		} `json:"data"`
	}
	if err := json.Unmarshal(config, &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Terraform.Backend["local"]; !ok {
		t.Errorf("web-server's own backend = %v, want local (state in git)", doc.Terraform.Backend)
	}
	shared := doc.Data.RemoteState["shared"]
	if shared.Backend != "pg" || shared.Config["schema_name"] != "clan_terranix_shared" {
		t.Errorf("remote state of shared = %+v, want pg with schema clan_terranix_shared (conn_str comes from PG_CONN_STR)", shared)
	}
}

func TestTeamBackendBadSettings(t *testing.T) {
	for _, tc := range []struct {
		team *clan.Backend
		want string
	}{
		{&clan.Backend{Type: "s3"}, "inventory/services/terranix.nix: infra-manager settings: backend (workspace shared): s3 needs config.bucket"},
		{&clan.Backend{Type: "http"}, "backend (workspace shared): http needs config.address"},
		{&clan.Backend{Type: "pg", Workspaces: map[string]*clan.Backend{"nope": {Type: "pg"}}}, "backend.workspaces names nope, which is not a workspace (workspaces: shared, web-server)"},
	} {
		_, err := BuildWithBackend("/clan", planResult(`{"vpc_id": {"value": "x"}, "subnet_id": {"value": "y"}}`), tc.team)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("BuildWithBackend(%+v) = %v, want an error containing %q", tc.team, err, tc.want)
		}
	}
}

func TestBackendWhere(t *testing.T) {
	for b, want := range map[*Backend]string{
		{Type: "pg", Config: map[string]any{"schema_name": "s"}}:                `pg (schema_name "s")`,
		{Type: "s3", Config: map[string]any{"bucket": "b", "key": "k/t"}}:       `s3 (key "s3://b/k/t")`,
		{Type: "local", Config: map[string]any{"path": "x"}}:                    "git",
		{Type: "local", Config: map[string]any{"path": "x"}, UserDefined: true}: `local (path "x")`,
	} {
		if got := b.Where(); got != want {
			t.Errorf("Where() = %s, want %s", got, want)
		}
	}
}
