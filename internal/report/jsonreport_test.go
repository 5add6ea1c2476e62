package report

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func sampleReport() RunReport {
	started := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	return NewRunReport("apply", started, started.Add(81*time.Second), sampleResults())
}

func TestRunReportGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "run-report.json.golden", b.Bytes())
}

func TestRunReportRoundTrips(t *testing.T) {
	var b bytes.Buffer
	WriteJSON(&b, sampleReport())
	var back RunReport
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Version != RunReportVersion || len(back.Workspaces) != 6 || back.Summary.Failed != 1 || back.Summary.Success {
		t.Errorf("round trip lost data: %+v", back)
	}
	if back.Workspaces[0].Started == nil || back.Workspaces[4].Started != nil {
		t.Error("started should be set for jobs that ran and absent for skipped ones")
	}
}

func TestRunReportOfNothing(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	WriteJSON(&b, NewRunReport("plan", now, now, nil))
	if !bytes.Contains(b.Bytes(), []byte(`"workspaces": [],`)) || !bytes.Contains(b.Bytes(), []byte(`"success": true`)) {
		t.Errorf("empty run:\n%s", b.String())
	}
}
