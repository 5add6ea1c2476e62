package outcome

import (
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// PlanDetail is what a saved plan of a workspace would do, for people (Text,
// tofu's own rendering) and for programs (Changes, Drift).
type PlanDetail struct {
	// Text is `tofu show` of the plan without its generic legend: the
	// resource changes and the plan's count line.
	Text string
	// Changes are the resource changes, sensitive values hidden.
	Changes []ResourceChange
	// Drift are the changes tofu found outside of it while refreshing.
	Drift []ResourceChange
}

// ResourceChange is one resource of a plan, in the words of tofu's JSON plan
// (docs/run-report.md). Values tofu marks sensitive read "(sensitive)".
type ResourceChange struct {
	Address      string   `json:"address"`
	Actions      []string `json:"actions"`
	Before       any      `json:"before"`
	After        any      `json:"after"`
	AfterUnknown any      `json:"after_unknown,omitempty"`
}

// Sensitive replaces a value tofu marks sensitive in structured changes.
const Sensitive = "(sensitive)"

// NewPlanDetail keeps of tofu's JSON plan what is shown; text is tofu's
// rendering of the same plan.
func NewPlanDetail(text string, p *tfjson.Plan) *PlanDetail {
	d := &PlanDetail{Text: trimLegend(text)}
	if p == nil {
		return d
	}
	d.Changes = resourceChanges(p.ResourceChanges, false)
	d.Drift = resourceChanges(p.ResourceDrift, true)
	return d
}

func resourceChanges(in []*tfjson.ResourceChange, drift bool) []ResourceChange {
	var out []ResourceChange
	for _, rc := range in {
		if rc == nil || rc.Change == nil {
			continue
		}
		if !drift && (rc.Change.Actions.NoOp() || rc.Change.Actions.Read()) {
			continue // shown by tofu only as reads, not changes to review
		}
		actions := make([]string, 0, len(rc.Change.Actions))
		for _, a := range rc.Change.Actions {
			actions = append(actions, string(a))
		}
		out = append(out, ResourceChange{
			Address:      rc.Address,
			Actions:      actions,
			Before:       redact(rc.Change.Before, rc.Change.BeforeSensitive),
			After:        redact(rc.Change.After, rc.Change.AfterSensitive),
			AfterUnknown: rc.Change.AfterUnknown,
		})
	}
	return out
}

// redact replaces every part of value that sensitive (tofu's mirror of it,
// true where sensitive) marks.
func redact(value, sensitive any) any {
	switch s := sensitive.(type) {
	case bool:
		if s && value != nil {
			return Sensitive
		}
		return value
	case map[string]any:
		v, ok := value.(map[string]any)
		if !ok {
			return value
		}
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = redact(x, s[k])
		}
		return out
	case []any:
		v, ok := value.([]any)
		if !ok {
			return value
		}
		out := make([]any, len(v))
		for i, x := range v {
			if i < len(s) {
				x = redact(x, s[i])
			}
			out[i] = x
		}
		return out
	}
	return value
}

// trimLegend drops what `tofu show` says before the first resource (the
// legend of symbols, the same for every plan) and trailing blank lines.
func trimLegend(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n "), "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "# ") || strings.HasPrefix(t, "Note: Objects have changed outside") ||
			strings.HasPrefix(t, "Changes to Outputs:") || strings.HasPrefix(t, "OpenTofu will perform") ||
			strings.HasPrefix(t, "Terraform will perform") {
			return strings.Join(lines[i:], "\n")
		}
	}
	return strings.TrimSpace(text)
}
