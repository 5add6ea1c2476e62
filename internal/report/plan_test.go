package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// showText is `tofu show -no-color` of a saved plan (OpenTofu 1.12, the
// quickstart's web-server after opening one more port), legend included.
const showText = `
OpenTofu used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  ~ update in-place

OpenTofu will perform the following actions:

  # terraform_data.web-server_sg will be updated in-place
  ~ resource "terraform_data" "web-server_sg" {
        id     = "8d1f4c2e-0000-0000-0000-000000000000"
      ~ input  = {
          ~ ingress = [
                # (2 unchanged elements hidden)
              + {
                  + from_port = 8080
                },
            ]
            # (2 unchanged attributes hidden)
        }
    }

Plan: 0 to add, 1 to change, 0 to destroy.
`

func TestNewPlanDetailDropsLegendAndHidesSensitive(t *testing.T) {
	var plan tfjson.Plan
	js := `{"format_version":"1.2","resource_changes":[
	  {"address":"terraform_data.a","type":"terraform_data","name":"a","change":{"actions":["update"],
	   "before":{"input":{"password":"old","port":80}},"after":{"input":{"password":"new","port":8080}},
	   "before_sensitive":{"input":{"password":true}},"after_sensitive":{"input":{"password":true}},"after_unknown":{}}},
	  {"address":"data.x.y","type":"x","name":"y","change":{"actions":["read"],"before":null,"after":{}}},
	  {"address":"terraform_data.same","type":"terraform_data","name":"same","change":{"actions":["no-op"],"before":{},"after":{}}}],
	 "resource_drift":[{"address":"terraform_data.b","change":{"actions":["update"],"before":{"v":1},"after":{"v":2}}}]}`
	if err := plan.UnmarshalJSON([]byte(js)); err != nil {
		t.Fatal(err)
	}
	d := NewPlanDetail(showText, &plan)
	if !strings.HasPrefix(d.Text, "OpenTofu will perform the following actions:") || !strings.HasSuffix(d.Text, "to destroy.") {
		t.Errorf("legend kept or end trimmed:\n%s", d.Text)
	}
	if len(d.Changes) != 1 || len(d.Drift) != 1 {
		t.Fatalf("want one change (reads and no-ops left out) and one drift, got %+v", d)
	}
	got, _ := json.Marshal(d.Changes[0])
	want := `{"address":"terraform_data.a","actions":["update"],"before":{"input":{"password":"(sensitive)","port":80}},"after":{"input":{"password":"(sensitive)","port":8080}},"after_unknown":{}}`
	if string(got) != want {
		t.Errorf("change:\n got %s\nwant %s", got, want)
	}
}

func TestRedactLists(t *testing.T) {
	got := redact([]any{"a", map[string]any{"k": "s"}}, []any{false, map[string]any{"k": true}})
	want := []any{"a", map[string]any{"k": Sensitive}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func planResults() []Result {
	return []Result{
		{Workspace: "shared", Status: StatusNoChanges, Plan: &PlanDetail{Drift: []ResourceChange{{Address: "terraform_data.vpc"}}}},
		{Workspace: "web-server", Status: StatusOK, Change: 1, Plan: NewPlanDetail(showText, nil)},
		{Workspace: "db", Status: StatusFailed, Error: "workspace db: plan failed: Unsupported | argument\nmore"},
		{Workspace: "api", Status: StatusSkipped, SkippedBecause: "db"},
	}
}

func TestMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, "plan", planResults()); err != nil {
		t.Fatal(err)
	}
	golden(t, "plan.md.golden", b.Bytes())
}

func TestMarkdownLeavesOutDiffsPastTheBudget(t *testing.T) {
	big := Result{Workspace: "big", Status: StatusOK, Add: 1, Plan: &PlanDetail{Text: strings.Repeat("  + x = 1\n", markdownBudget/5)}}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, "plan", []Result{big}); err != nil {
		t.Fatal(err)
	}
	if b.Len() > markdownBudget || !strings.Contains(b.String(), "Diffs left out to fit a comment: big") {
		t.Errorf("%d bytes, tail %q", b.Len(), b.String()[max(0, b.Len()-200):])
	}
}

func TestDiffsOnlyForShownPlansWithChanges(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDiffs(&b, planResults(), Style{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "── web-server ──\nOpenTofu will perform") || !strings.Contains(out, "+ from_port = 8080") {
		t.Errorf("web-server's diff missing:\n%s", out)
	}
	if strings.Contains(out, "── db") || strings.Contains(out, "── api") {
		t.Errorf("a diff for a workspace without a plan:\n%s", out)
	}
}
