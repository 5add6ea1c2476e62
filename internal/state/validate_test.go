package state

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateBadInputs(t *testing.T) {
	valid := stateJSON(7, "abc")
	cases := []struct {
		name, content, wantErr string
	}{
		{"empty", "", "is empty (a write was interrupted?)"},
		{"truncated", valid[:40], "is truncated after 40 bytes"},
		{"conflict markers", "<<<<<<< HEAD\n" + valid + "=======\n" + stateJSON(8, "abc") + ">>>>>>> origin/main\n", "contains git merge-conflict markers (line 1)"},
		{"not json", "version = 4\n", "is not valid JSON"},
		{"not an object", "[1,2]", "is not a JSON object"},
		{"no version", `{"serial":1,"lineage":"x"}`, `is not a Terraform state file (no "version")`},
		{"wrong version", `{"version":9,"serial":1,"lineage":"x"}`, "has format version 9"},
		{"no serial", `{"version":4,"lineage":"x"}`, `has no "serial"`},
		{"no lineage", `{"version":4,"serial":1}`, `has no "lineage"`},
		{"wrong type", `{"version":"4","serial":1,"lineage":"x"}`, "has a field of the wrong type"},
		{"half encrypted", `{"encrypted_data":"x","meta":{}}`, "has encrypted_data but no encryption_version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ValidateBytes([]byte(c.content), "terraform-state/shared/terraform.tfstate")
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error = %v, want %q", err, c.wantErr)
			}
			if !strings.Contains(err.Error(), "terraform-state/shared/terraform.tfstate") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q must be one line naming the file", err)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatal("error is not ErrInvalid")
			}
		})
	}
}

func TestValidateGoodInputs(t *testing.T) {
	info, err := ValidateBytes([]byte(stateJSON(7, "abc")), "s")
	if err != nil || !info.Exists || info.Serial != 7 || info.Lineage != "abc" || info.Version != 4 || info.Encrypted {
		t.Fatalf("plain: %+v %v", info, err)
	}
	enc := `{"serial":3,"lineage":"l","meta":{"key_provider.pbkdf2.clan":"e30="},"encrypted_data":"AAAA","encryption_version":"v0"}`
	info, err = ValidateBytes([]byte(enc), "s")
	if err != nil || !info.Encrypted || info.Serial != 3 || info.Lineage != "l" {
		t.Fatalf("encrypted: %+v %v", info, err)
	}
	info, err = Validate(filepath.Join(t.TempDir(), "missing.tfstate"), "missing")
	if err != nil || info.Exists {
		t.Fatalf("missing file: %+v %v", info, err)
	}
}
