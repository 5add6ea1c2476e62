package state

import (
	"strings"
	"testing"
)

func TestCredentialLiterals(t *testing.T) {
	config := `{
	  "provider": {
	    "hcloud": {"token": "abcdef123"},
	    "aws": [{"region": "eu-central-1", "secret_key": "AKIA..."}, {"alias": "b", "access_key": "${var.key}"}],
	    "random": {}
	  },
	  "terraform": {"backend": {"pg": {"conn_str": "postgres://u:pw@db/x"}}},
	  "resource": {"random_password": {"pw": {"length": 16}}}
	}`
	got := CredentialLiterals([]byte(config), ".clan-terranix/work/web/config.tf.json")
	want := []string{"provider.aws.secret_key", "provider.hcloud.token", "terraform.backend.pg.conn_str"}
	if len(got) != len(want) {
		t.Fatalf("warnings:\n%s", strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], ".clan-terranix/work/web/config.tf.json: "+w+" looks like a credential written as a literal") {
			t.Fatalf("warning %d = %q, want %s", i, got[i], w)
		}
	}
}
