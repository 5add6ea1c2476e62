package changes

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// twoWorkspaces is a shared workspace with an output and a machine reading it
// through remote state, as the evaluator hands them over.
func twoWorkspaces(t *testing.T) *workspace.Set {
	t.Helper()
	set, err := workspace.Build(t.TempDir(), &nixeval.Result{Workspaces: map[string]nixeval.Workspace{
		"shared": {Kind: "shared", Config: json.RawMessage(`{"output": {"vpc_id": {"value": "vpc-1"}}}`)},
		"web": {Kind: "machine", Machine: "web", Config: json.RawMessage(
			`{"resource": {"null_resource": {"a": {"triggers": {"vpc": "${data.terraform_remote_state.shared.outputs.vpc_id}"}}}}}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func get(t *testing.T, set *workspace.Set, name string) *workspace.Workspace {
	t.Helper()
	w, ok := set.Get(name)
	if !ok {
		t.Fatalf("no workspace %s", name)
	}
	return w
}

func check(t *testing.T, root string, set *workspace.Set, w *workspace.Workspace, config string, stateExists bool) Status {
	t.Helper()
	st, err := Check(root, set, w, []byte(config), stateExists)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func record(t *testing.T, root string, set *workspace.Set, w *workspace.Workspace, config string, outputs map[string]any) {
	t.Helper()
	r, err := NewRecord(root, set, w, []byte(config), outputs)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(root, w, r); err != nil {
		t.Fatal(err)
	}
}

func TestStatusFollowsRecords(t *testing.T) {
	root := t.TempDir()
	set := twoWorkspaces(t)
	shared, web := get(t, set, "shared"), get(t, set, "web")

	if st := check(t, root, set, web, "cfg", false); st != NeverApplied || !st.NeedsRun() {
		t.Fatalf("no state, no record: %q", st)
	}
	if st := check(t, root, set, web, "cfg", true); st != Unknown || !st.NeedsRun() {
		t.Fatalf("state but no record: %q", st)
	}

	record(t, root, set, shared, "shared-cfg", map[string]any{"vpc_id": "vpc-1"})
	record(t, root, set, web, "cfg", nil)
	if st := check(t, root, set, web, "cfg", true); st != UpToDate || st.NeedsRun() {
		t.Fatalf("after recording: %q", st)
	}
	if st := check(t, root, set, web, "cfg2", true); st != ConfigChanged {
		t.Fatalf("config edited: %q", st)
	}

	// The upstream applies again and its output changes: web must run, though
	// its own config is the same.
	record(t, root, set, shared, "shared-cfg", map[string]any{"vpc_id": "vpc-2"})
	if st := check(t, root, set, web, "cfg", true); st != UpstreamChanged {
		t.Fatalf("upstream output changed: %q", st)
	}
	// An upstream applied again with the same output value changes nothing.
	record(t, root, set, web, "cfg", nil)
	record(t, root, set, shared, "shared-cfg-edited", map[string]any{"vpc_id": "vpc-2"})
	if st := check(t, root, set, web, "cfg", true); st != UpToDate {
		t.Fatalf("upstream re-applied, same output: %q", st)
	}
}

func TestRecordOfUnappliedUpstreamIsEmptyDigest(t *testing.T) {
	root := t.TempDir()
	set := twoWorkspaces(t)
	r, err := NewRecord(root, set, get(t, set, "web"), []byte("cfg"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := r.Upstream["shared"]["vpc_id"]; !ok || d != "" {
		t.Fatalf("upstream without a record: %#v", r.Upstream)
	}
	// Once the upstream records, the dependent sees a change.
	record(t, root, set, get(t, set, "web"), "cfg", nil)
	record(t, root, set, get(t, set, "shared"), "s", map[string]any{"vpc_id": "v"})
	if st := check(t, root, set, get(t, set, "web"), "cfg", true); st != UpstreamChanged {
		t.Fatalf("upstream recorded after the dependent: %q", st)
	}
}

func TestDigestValueIsCanonical(t *testing.T) {
	a := DigestValue(map[string]any{"a": 1, "b": []any{"x", true}})
	b := DigestValue(map[string]any{"b": []any{"x", true}, "a": 1})
	if a != b || !strings.HasPrefix(a, "sha256:") {
		t.Fatalf("key order changed the digest: %s vs %s", a, b)
	}
	if DigestValue("1") == DigestValue(1) {
		t.Fatal("a string and a number have the same digest")
	}
}

func TestWriteLeavesAnUnchangedRecordAlone(t *testing.T) {
	root := t.TempDir()
	set := twoWorkspaces(t)
	w := get(t, set, "shared")
	record(t, root, set, w, "cfg", map[string]any{"vpc_id": "v"})
	file := filepath.Join(root, RecordPath(w))
	if RecordPath(w) != "terraform-state/shared/applied.json" {
		t.Fatalf("record path %s", RecordPath(w))
	}
	old, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	// The same record again is not rewritten (same inode): an apply that
	// changed nothing touches nothing under terraform-state/.
	record(t, root, set, w, "cfg", map[string]any{"vpc_id": "v"})
	now, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(old, now) {
		t.Fatal("an identical record was rewritten")
	}
}

func TestCorruptRecordNamesTheFile(t *testing.T) {
	root := t.TempDir()
	set := twoWorkspaces(t)
	w := get(t, set, "web")
	file := filepath.Join(root, RecordPath(w))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Check(root, set, w, []byte("cfg"), true)
	if err == nil || !strings.Contains(err.Error(), RecordPath(w)) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("corrupt record: %v", err)
	}
}
