package workspace

import (
	"os"
	"path/filepath"
	"testing"
)

// Orphans are machine states with resources and no workspace: an empty
// state, a workspace that still exists and a folder named as no machine can
// be are not.
func TestOrphans(t *testing.T) {
	root := t.TempDir()
	for dir, content := range map[string]string{
		"gone":       `{"version": 4, "serial": 3, "lineage": "L", "resources": [{"type": "x"}, {"type": "y"}]}`,
		"empty":      `{"version": 4, "serial": 4, "lineage": "L", "resources": []}`,
		"web-server": `{"version": 4, "serial": 1, "lineage": "L", "resources": [{"type": "x"}]}`,
		"secret":     `{"serial": 1, "lineage": "L", "meta": {}, "encrypted_data": "...", "encryption_version": "v0"}`,
		"bad_name":   `{"version": 4, "serial": 1, "lineage": "L", "resources": [{"type": "x"}]}`,
	} {
		p := filepath.Join(root, "terraform-state", "machines", dir, "terraform.tfstate")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	set, err := Build(root, planResult(`{"vpc_id": {"value": "x"}, "subnet_id": {"value": "y"}}`))
	if err != nil {
		t.Fatal(err)
	}
	orphans, err := set.Orphans(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(orphans) != 2 || orphans[0] != (Orphan{Name: "gone", StateFile: "terraform-state/machines/gone/terraform.tfstate", Resources: 2}) ||
		orphans[1].Name != "secret" || orphans[1].Resources != -1 {
		t.Fatalf("orphans = %+v", orphans)
	}
	w := set.AddOrphan(orphans[0])
	config, err := set.Generate(w)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"terraform\": {\n    \"backend\": {\n      \"local\": {\n        \"path\": \"../../../terraform-state/machines/gone/terraform.tfstate\"\n      }\n    }\n  }\n}\n"
	if string(config) != want || !w.Orphaned {
		t.Errorf("orphan config = %s", config)
	}
}
