package tofu

import (
	"encoding/json"
	"testing"
)

func TestProviderRequirementsImpliedAndDeclared(t *testing.T) {
	var config map[string]any
	if err := json.Unmarshal([]byte(`{"terraform":{"required_providers":[{"aws":{"source":"hashicorp/aws","version":"~> 5.0"}},{"old":"1.0"}]},
		"resource":{"aws_instance":{},"random_pet":{},"terraform_data":{}},"data":{"local_file":{},"terraform_remote_state":{}},
		"ephemeral":{"tls_private_key":{}},"provider":{"hcloud":[{},{"alias":"b"}]}}`), &config); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(ProviderRequirements(config))
	want := `{"aws":{"source":"hashicorp/aws","version":"~\u003e 5.0"},"hcloud":{"implied":true,"source":"hashicorp/hcloud"},` +
		`"local":{"implied":true,"source":"hashicorp/local"},"old":{"version":"1.0"},"random":{"implied":true,"source":"hashicorp/random"},` +
		`"tls":{"implied":true,"source":"hashicorp/tls"}}`
	if string(js) != want {
		t.Errorf("got  %s\nwant %s", js, want)
	}
}
