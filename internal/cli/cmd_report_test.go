package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

func TestStateOutputsLeaveOutSensitiveOnes(t *testing.T) {
	root := t.TempDir()
	w := &workspace.Workspace{Name: "shared", Kind: clan.KindShared, Backend: workspace.Backend{Type: "local"}}
	file := filepath.Join(root, filepath.FromSlash(w.StateFile()))
	os.MkdirAll(filepath.Dir(file), 0o755)
	os.WriteFile(file, []byte(`{"version":4,"serial":1,"lineage":"l","outputs":{
		"vpc_id":{"value":"vpc-1","type":"string"},
		"ports":{"value":[22,80],"type":["list","number"]},
		"db_password":{"value":"hunter2","type":"string","sensitive":true}}}`), 0o644)
	outputs, note := stateOutputs(root, w)
	got := []string{}
	for _, o := range outputs {
		got = append(got, o.Name+"="+o.Value)
	}
	if note != "" || strings.Join(got, " ") != "ports=[22,80] vpc_id=vpc-1" {
		t.Errorf("outputs %v, note %q", got, note)
	}

	os.WriteFile(file, []byte(`{"serial":1,"lineage":"l","meta":{},"encrypted_data":"abc"}`), 0o644)
	if outputs, note := stateOutputs(root, w); outputs != nil || !strings.Contains(note, "encrypted") {
		t.Errorf("encrypted state: outputs %v, note %q", outputs, note)
	}
}

func TestDriftRecordKeepsOtherWorkspaces(t *testing.T) {
	root := t.TempDir()
	if err := writeDriftRecord(root, []outcome.Result{{Workspace: "a", Status: outcome.StatusOK}, {Workspace: "b", Status: outcome.StatusNoChanges}}); err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	if err := writeDriftRecord(root, []outcome.Result{{Workspace: "b", Status: outcome.StatusOK}, {Workspace: "c", Status: outcome.StatusFailed}}); err != nil {
		t.Fatal(err)
	}
	rec := readDriftRecord(root)
	if !rec["a"].Drifted || !rec["b"].Drifted || rec["b"].Time.Before(before) {
		t.Errorf("records %+v", rec)
	}
	if _, ok := rec["c"]; ok {
		t.Errorf("a failed drift run is not a finding: %+v", rec)
	}
}
