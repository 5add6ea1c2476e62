package clan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckInventoryJSON(t *testing.T) {
	cases := map[string]struct{ content, want string }{
		"object":       {`{"machines": {}}`, ""},
		"bom":          {"\xef\xbb\xbf{}", `inventory.json starts with a UTF-8 byte-order mark, which the Clan CLI cannot read ("Unexpected UTF-8 BOM"): save it without one`},
		"syntax":       {"{\n  \"machines\": {,\n}", "inventory.json is not valid JSON: line 2 column 16: invalid character ','"},
		"truncated":    {"{\n  \"machines\": {", "inventory.json is not valid JSON: line 2 column 16: unexpected EOF"},
		"empty":        {"  \n", "inventory.json is empty: write {} into it, or remove it"},
		"array":        {"[]", "inventory.json must hold a JSON object at the top, not an array"},
		"trailing":     {"{} {}", "inventory.json is not valid JSON: extra data after the JSON value"},
		"nested utf-8": {`{"meta": {"name": "grüße"}}`, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.WriteFile(filepath.Join(root, InventoryJSON), []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			err := CheckInventoryJSON(root)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if _, derr := Discover(root); derr == nil || derr.Error() != err.Error() {
				t.Fatalf("Discover does not refuse it the same way: %v", derr)
			}
		})
	}
	if err := CheckInventoryJSON(t.TempDir()); err != nil {
		t.Fatalf("no inventory.json is fine: %v", err)
	}
}
