package outcome

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// showText is `tofu show -no-color` of a saved plan, legend included.
const showText = `
OpenTofu used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  ~ update in-place

OpenTofu will perform the following actions:

  # terraform_data.a will be updated in-place
  ~ resource "terraform_data" "a" {
      ~ input = 1 -> 2
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

func TestCount(t *testing.T) {
	results := []Result{
		{Workspace: "shared", Status: StatusOK, Add: 3},
		{Workspace: "db", Status: StatusNoChanges},
		{Workspace: "monitor", Status: StatusUnchanged},
		{Workspace: "web-frontend", Status: StatusFailed, Add: 1},
		{Workspace: "proxy", Status: StatusSkipped, SkippedBecause: "web-frontend"},
		{Workspace: "backup", Status: StatusSkipped, SkippedBecause: SkippedInterrupted},
	}
	c := Count(results)
	want := Counts{Total: 6, OK: 1, NoChanges: 1, Unchanged: 1, Failed: 1, Skipped: 2, Add: 4}
	if c != want {
		t.Errorf("got %+v, want %+v", c, want)
	}
}
