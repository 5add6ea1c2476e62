package app

import (
	"context"
	"reflect"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// After an apply, what follows in the command (install's address, update's
// instance check) takes the outputs the apply handed over: the state is not
// read again (with encrypted state each read is a tofu process). A workspace
// this run did not apply is read from its state, and a destroy forgets them.
func TestOutputsReadOnceAfterApply(t *testing.T) {
	ctx := context.Background()
	reads := map[string]int{}
	inState := map[string]operation.OutputValue{"ip": {Value: "192.0.2.1"}}
	r := &Run{
		outputs: map[string]map[string]operation.OutputValue{},
		readOutputs: func(_ context.Context, ws string) (map[string]operation.OutputValue, error) {
			reads[ws]++
			return inState, nil
		},
	}
	shared := &workspace.Workspace{Name: "shared", Kind: clan.KindShared} // no write-back
	applied := map[string]operation.OutputValue{"vpc": {Value: "vpc-1"}}
	if _, err := r.afterApply(ctx, shared, applied); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		got, err := r.Outputs(ctx, "shared")
		if err != nil || !reflect.DeepEqual(got, applied) {
			t.Fatalf("Outputs(shared) = %v, %v; want the applied %v", got, err, applied)
		}
	}
	if reads["shared"] != 0 {
		t.Errorf("the state of shared was read %d times after its apply handed the outputs over", reads["shared"])
	}
	if got, _ := r.Outputs(ctx, "other"); !reflect.DeepEqual(got, inState) || reads["other"] != 1 {
		t.Errorf("a workspace not applied in this run: %v after %d reads, want its state's, read once", got, reads["other"])
	}
	if _, err := r.afterDestroy(ctx, shared); err != nil {
		t.Fatal(err)
	}
	if _, _ = r.Outputs(ctx, "shared"); reads["shared"] != 1 {
		t.Errorf("after a destroy the outputs were not read from the state (%d reads)", reads["shared"])
	}
}
