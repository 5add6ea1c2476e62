package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// A user's inventory.json, indented with tabs, with keys in no sorted order,
// escapes and numbers that a decode/encode round trip would change.
const userInventory = `{
	"meta": {"name": "my-clan", "description": "caf\u00e9 <ops>"},
	"machines": {
		"web-server": {
			"tags": ["aws-infra", "web"],
			"deploy": {"buildHost": "builder", "forwardAgent": true},
			"weight": 1.50
		},
		"db": {"tags": []}
	},
	"instances": {}
}
`

const wantInventory = `{
	"meta": {
		"name": "my-clan",
		"description": "caf\u00e9 <ops>"
	},
	"machines": {
		"web-server": {
			"tags": [
				"aws-infra",
				"web"
			],
			"deploy": {
				"buildHost": "builder",
				"forwardAgent": true,
				"targetHost": "root@192.0.2.1"
			},
			"weight": 1.50
		},
		"db": {
			"tags": []
		}
	},
	"instances": {}
}
`

func TestSetTargetHostKeepsUserKeysOrderAndIndent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inventory.json")
	os.WriteFile(path, []byte(userInventory), 0o600)
	changed, err := SetTargetHost(path, "web-server", "root@192.0.2.1")
	if err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != wantInventory {
		t.Errorf("got\n%s\nwant\n%s", got, wantInventory)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode changed to %v", fi.Mode())
	}
	changed, err = SetTargetHost(path, "web-server", "root@192.0.2.1")
	if err != nil || changed {
		t.Errorf("second write: changed=%v err=%v", changed, err)
	}
}

func TestSetTargetHostStyles(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, in, want string }{
		{"absent", "", "{\n  \"machines\": {\n    \"web\": {\n      \"deploy\": {\n        \"targetHost\": \"root@h\"\n      }\n    }\n  }\n}\n"},
		{"four spaces", "{\n    \"machines\": {}\n}", "{\n    \"machines\": {\n        \"web\": {\n            \"deploy\": {\n                \"targetHost\": \"root@h\"\n            }\n        }\n    }\n}"},
		{"compact", `{"meta":{"name":"x"}}`, `{"meta":{"name":"x"},"machines":{"web":{"deploy":{"targetHost":"root@h"}}}}`},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
		if tc.in != "" {
			os.WriteFile(path, []byte(tc.in), 0o644)
		}
		if _, err := SetTargetHost(path, "web", "root@h"); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got, _ := os.ReadFile(path); string(got) != tc.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}

func TestSetTargetHostBadInventory(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ in, want string }{
		{`{"machines": []}`, "inventory.json: machines is not an object"},
		{`{"machines": {"web": {"deploy": "x"}}}`, "inventory.json: machines.web.deploy is not an object"},
		{`{"machines": `, "inventory.json: truncated JSON (unexpected end of file)"},
		{`[]`, "inventory.json: not a JSON object"},
		{"{\n  \"machines\": {,}\n}", "inventory.json: line 2: invalid character ',' looking for beginning of object key string"},
	} {
		path := filepath.Join(dir, "inventory.json")
		os.WriteFile(path, []byte(tc.in), 0o644)
		_, err := SetTargetHost(path, "web", "root@h")
		if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want suffix %q", tc.in, err, tc.want)
		}
		if got, _ := os.ReadFile(path); string(got) != tc.in {
			t.Errorf("%s: file changed on error", tc.in)
		}
	}
}

func TestWriteBackNeverWritesSensitiveOutputs(t *testing.T) {
	root := t.TempDir()
	s, _ := ParseSettings("web", nil)
	res, err := WriteBack(WriteBackRequest{Root: root, Machine: "web", Settings: s, Outputs: map[string]Output{
		"ipv4_address":  {Value: "192.0.2.1"},
		"db_password":   {Value: "hunter2-very-secret", Sensitive: true},
		"ports":         {Value: []any{float64(22), float64(80)}},
		"instance_id":   {Value: "i-123"},
		"root_password": {Value: map[string]any{"x": "nested-secret"}, Sensitive: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(root, "machines/web/terraform-outputs.json"))
	want := "{\n  \"instance_id\": \"i-123\",\n  \"ipv4_address\": \"192.0.2.1\",\n  \"ports\": [\n    22,\n    80\n  ]\n}\n"
	if string(data) != want {
		t.Errorf("terraform-outputs.json:\n%s\nwant\n%s", data, want)
	}
	for _, secret := range []string{"hunter2", "nested-secret", "db_password", "root_password"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("terraform-outputs.json contains %q", secret)
		}
	}
	if strings.Join(res.Paths, " ") != "inventory.json machines/web/terraform-outputs.json" {
		t.Errorf("paths: %v", res.Paths)
	}
	if !strings.HasPrefix(res.CommitMessage, "inventory.json: set targetHost of web\n\n") {
		t.Errorf("commit message: %q", res.CommitMessage)
	}
	again, err := WriteBack(WriteBackRequest{Root: root, Machine: "web", Settings: s, Outputs: map[string]Output{
		"ipv4_address": {Value: "192.0.2.1"}, "ports": {Value: []any{float64(22), float64(80)}}, "instance_id": {Value: "i-123"},
	}})
	if err != nil || len(again.Paths) != 0 || again.CommitMessage != "" {
		t.Errorf("unchanged write-back wrote %v %q %v", again.Paths, again.CommitMessage, err)
	}
}

func TestWriteBackLeavesInventoryWhenNixSetsTargetHost(t *testing.T) {
	root := t.TempDir()
	s, _ := ParseSettings("web", nil)
	res, err := WriteBack(WriteBackRequest{Root: root, Machine: "web", Settings: s, NixSetsTargetHost: true,
		Outputs: map[string]Output{"target_host": {Value: "web.example.org"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "inventory.json")); !os.IsNotExist(err) {
		t.Errorf("inventory.json written although Nix sets targetHost")
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "Nix sets its targetHost") {
		t.Errorf("notes: %v", res.Notes)
	}
}

// The clan's check refuses the new targetHost: inventory.json is put back
// byte for byte (or removed when there was none), the outputs are still
// written, and the error names the machine, the address and the reason.
func TestWriteBackUndoesARefusedTargetHost(t *testing.T) {
	for _, before := range []string{userInventory, ""} {
		root := t.TempDir()
		path := filepath.Join(root, "inventory.json")
		if before != "" {
			os.WriteFile(path, []byte(before), 0o644)
		}
		s, _ := ParseSettings("web-server", nil)
		var seen string
		checker := NewChecker(root, func() (map[string]*string, error) {
			data, _ := os.ReadFile(path)
			seen = string(data)
			return nil, fmt.Errorf("conflicting definition values")
		})
		res, err := WriteBack(WriteBackRequest{Root: root, Machine: "web-server", Settings: s,
			Outputs: map[string]Output{"target_host": {Value: "10.0.0.5"}}, Checker: checker})
		var refused *RefusedError
		if !errors.As(err, &refused) || err.Error() != "machine web-server: targetHost root@10.0.0.5 not kept in inventory.json: with it the clan no longer evaluates: conflicting definition values" {
			t.Fatalf("got %v", err)
		}
		if !strings.Contains(seen, `"targetHost": "root@10.0.0.5"`) {
			t.Errorf("check ran before the write: %s", seen)
		}
		data, statErr := os.ReadFile(path)
		if before == "" && !os.IsNotExist(statErr) || before != "" && string(data) != before {
			t.Errorf("inventory.json not restored: %q %v", data, statErr)
		}
		if !slices.Equal(res.Paths, []string{OutputsPath("web-server")}) {
			t.Errorf("paths %v", res.Paths)
		}
	}
}

// Many write-backs at once share the clan's checks; when a check fails, each
// write is tried alone, so only the one the clan refuses is undone. The stand-in
// clan refuses a targetHost for "bad" and gives "forced" another address.
func TestCheckerKeepsAllButTheRefused(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "inventory.json")
	os.WriteFile(path, []byte(`{"meta": {"name": "c"}, "machines": {"forced": {"deploy": {"targetHost": "root@old"}}}}`), 0o644)
	checker := NewChecker(root, func() (map[string]*string, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if strings.Contains(string(data), "root@10.0.0.66") {
			return nil, fmt.Errorf("clan.checks.policy failed")
		}
		forced := "root@forced.example.org"
		return map[string]*string{"forced": &forced}, nil
	})
	machines := []string{"a", "b", "bad", "c", "forced"}
	errs := make([]error, len(machines))
	var wg sync.WaitGroup
	for i, m := range machines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr := "10.0.0." + strconv.Itoa(i+1)
			if m == "bad" {
				addr = "10.0.0.66"
			}
			_, errs[i] = checker.SetTargetHost(m, "root@"+addr)
		}()
	}
	wg.Wait()
	for i, m := range machines {
		var refused *RefusedError
		switch m {
		case "bad":
			if !errors.As(errs[i], &refused) || !strings.Contains(errs[i].Error(), "with it the clan no longer evaluates: clan.checks.policy failed") {
				t.Errorf("%s: %v", m, errs[i])
			}
		case "forced":
			if !errors.As(errs[i], &refused) || !strings.HasSuffix(errs[i].Error(), "the clan gives machine forced the targetHost root@forced.example.org instead") {
				t.Errorf("%s: %v", m, errs[i])
			}
		default:
			if errs[i] != nil {
				t.Errorf("%s: %v", m, errs[i])
			}
		}
	}
	var inv struct {
		Meta     map[string]string
		Machines map[string]struct{ Deploy struct{ TargetHost string } }
	}
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &inv); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for m, v := range inv.Machines {
		got[m] = v.Deploy.TargetHost
	}
	want := map[string]string{"a": "root@10.0.0.1", "b": "root@10.0.0.2", "c": "root@10.0.0.4", "forced": "root@old", "bad": ""}
	for m, w := range want {
		if got[m] != w {
			t.Errorf("inventory.json: %s has %q, want %q\n%s", m, got[m], w, data)
		}
	}
	if inv.Meta["name"] != "c" {
		t.Errorf("meta lost: %s", data)
	}
}

// Writers that do not share a mutex (two clan-terranix processes on one
// clan) each read, change and write inventory.json: none may write over an
// address another one set.
func TestSetTargetHostConcurrentWritersLoseNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "inventory.json")
	if err := os.WriteFile(path, []byte("{ \"machines\": {} }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const n = 24
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := fmt.Sprintf("m%02d", i)
			if _, err := SetTargetHost(path, m, "root@"+m); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var inv struct {
		Machines map[string]struct {
			Deploy struct{ TargetHost string } `json:"deploy"`
		} `json:"machines"`
	}
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &inv); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		m := fmt.Sprintf("m%02d", i)
		if got := inv.Machines[m].Deploy.TargetHost; got != "root@"+m {
			t.Errorf("%s: targetHost %q, want root@%s (lost to another writer)", m, got, m)
		}
	}
}

// Destroy undoes the write-back: the outputs file goes, and the targetHost
// they gave; the rest of inventory.json stays as the user wrote it. A
// targetHost set since by hand stays.
func TestForgetMachineUndoesTheWriteBack(t *testing.T) {
	root := t.TempDir()
	inventory := filepath.Join(root, "inventory.json")
	os.WriteFile(inventory, []byte(userInventory), 0o644)
	s, _ := ParseSettings("web-server", nil)
	apply := func() {
		t.Helper()
		if _, err := WriteBack(WriteBackRequest{Root: root, Machine: "web-server", Settings: s,
			Outputs: map[string]Output{"ipv4_address": {Value: "192.0.2.1"}, "id": {Value: "i-1"}}}); err != nil {
			t.Fatal(err)
		}
	}
	apply()
	paths, err := ForgetMachine(root, "web-server", s)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"inventory.json", "machines/web-server/terraform-outputs.json"}; !slices.Equal(paths, want) {
		t.Errorf("changed %v, want %v", paths, want)
	}
	if _, err := os.Stat(filepath.Join(root, OutputsPath("web-server"))); !os.IsNotExist(err) {
		t.Error("terraform-outputs.json left behind")
	}
	got, _ := os.ReadFile(inventory)
	want := strings.Replace(wantInventory, "\"forwardAgent\": true,\n\t\t\t\t\"targetHost\": \"root@192.0.2.1\"", "\"forwardAgent\": true", 1)
	if string(got) != want {
		t.Errorf("inventory.json:\n%s\nwant\n%s", got, want)
	}

	apply()
	if _, err := SetTargetHost(inventory, "web-server", "admin@bastion"); err != nil {
		t.Fatal(err)
	}
	if paths, err := ForgetMachine(root, "web-server", s); err != nil || !slices.Equal(paths, []string{"machines/web-server/terraform-outputs.json"}) {
		t.Errorf("changed %v (%v), want the outputs file only", paths, err)
	}
	if got, _ := os.ReadFile(inventory); !strings.Contains(string(got), `"targetHost": "admin@bastion"`) {
		t.Errorf("a targetHost set by hand was removed:\n%s", got)
	}
	if paths, err := ForgetMachine(root, "web-server", s); err != nil || paths != nil {
		t.Errorf("nothing to forget: changed %v (%v)", paths, err)
	}
}

// A deploy object that held only our targetHost goes with it.
func TestClearTargetHostDropsTheEmptyDeployObject(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inventory.json")
	os.WriteFile(path, []byte("{\n  \"machines\": {\n    \"m\": {\n      \"tags\": []\n    }\n  }\n}\n"), 0o644)
	before, _ := os.ReadFile(path)
	if _, err := SetTargetHost(path, "m", "root@m"); err != nil {
		t.Fatal(err)
	}
	if changed, err := ClearTargetHost(path, "m", "root@m"); err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("got\n%s\nwant\n%s", after, before)
	}
}
