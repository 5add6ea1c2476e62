package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
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

func planResults() []outcome.Result {
	return []outcome.Result{
		{Workspace: "shared", Status: outcome.StatusNoChanges, Plan: &outcome.PlanDetail{Drift: []outcome.ResourceChange{{Address: "terraform_data.vpc"}}}},
		{Workspace: "web-server", Status: outcome.StatusOK, Change: 1, Plan: outcome.NewPlanDetail(showText, nil)},
		{Workspace: "db", Status: outcome.StatusFailed, Error: "workspace db: plan failed: Unsupported | argument\nmore"},
		{Workspace: "api", Status: outcome.StatusSkipped, SkippedBecause: "db"},
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
	big := outcome.Result{Workspace: "big", Status: outcome.StatusOK, Add: 1, Plan: &outcome.PlanDetail{Text: strings.Repeat("  + x = 1\n", markdownBudget/5)}}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, "plan", []outcome.Result{big}); err != nil {
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
