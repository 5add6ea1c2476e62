package operation

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

// ShowPlans says for which plans Run keeps tofu's rendering and structured
// changes in the result (outcome.Result.Plan).
type ShowPlans int

const (
	ShowNone ShowPlans = iota
	// ShowChanged shows plans with changes (plan's diff, apply's review).
	ShowChanged
	// ShowAll also shows plans without changes: their drift counts.
	ShowAll
)

// show reads a saved plan back from tofu twice: as text, its rendering for
// people, and as JSON, parsed with terraform-json, for programs.
func (r *Runner) show(ctx context.Context, inv tofu.Invocation, name, planFile string) (*outcome.PlanDetail, error) {
	inv.OnMessage = nil
	var text, js bytes.Buffer
	textInv, jsInv := inv, inv
	textInv.Args, textInv.Stdout = []string{"show", "-no-color", planFile}, &text
	jsInv.Args, jsInv.Stdout = []string{"show", "-json", planFile}, &js
	// Two readers of one file: side by side they cost one tofu start.
	textErr := make(chan error, 1)
	go func() { textErr <- r.c.Engine.Run(ctx, textInv) }()
	jsErr := r.c.Engine.Run(ctx, jsInv)
	if err := <-textErr; err != nil {
		return nil, fmt.Errorf("workspace %s: showing the plan: %v", name, err)
	}
	if jsErr != nil {
		return nil, fmt.Errorf("workspace %s: showing the plan as JSON: %v", name, jsErr)
	}
	var plan tfjson.Plan
	if err := plan.UnmarshalJSON(js.Bytes()); err != nil {
		return nil, fmt.Errorf("workspace %s: reading tofu's JSON plan: %v", name, strings.TrimSpace(err.Error()))
	}
	return outcome.NewPlanDetail(text.String(), &plan), nil
}
