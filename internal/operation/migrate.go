package operation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// StateHead identifies a state as tofu reads it: a migration or a rewrite
// must keep lineage and serial, whatever the backend or encryption.
type StateHead struct {
	Lineage   string `json:"lineage,omitempty"`
	Serial    int64  `json:"serial"`
	Resources int    `json:"resources"`
}

// Exists reports whether there was any state to read.
func (h StateHead) Exists() bool { return h.Lineage != "" }

// Same reports whether h and o are the same state version.
func (h StateHead) Same(o StateHead) bool { return h.Lineage == o.Lineage && h.Serial == o.Serial }

func (h StateHead) String() string {
	if !h.Exists() {
		return "no state"
	}
	return fmt.Sprintf("lineage %s, serial %d, %d resource(s)", h.Lineage, h.Serial, h.Resources)
}

// scratchDir is where state commands run tofu on a config holding only the
// backend block: no providers to install, nothing of the real work dir
// touched. It sits at the depth of the work dirs, so the relative path of
// the git backend holds there too.
func (r *Runner) scratchDir(w *workspace.Workspace) string {
	return filepath.Join(r.c.Root, filepath.FromSlash(clan.StateOpsDir(w.Name)))
}

// useBackend writes the scratch config for backend b and initialises it;
// extra init flags (-migrate-state -force-copy) move the state from the
// backend the dir was initialised with before.
func (r *Runner) useBackend(ctx context.Context, w *workspace.Workspace, b workspace.Backend, log io.Writer, initFlags ...string) (tofu.Invocation, error) {
	dir := r.scratchDir(w)
	if err := state.EnsureWorkDir(r.c.Root); err != nil {
		return tofu.Invocation{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return tofu.Invocation{}, err
	}
	config, err := json.MarshalIndent(map[string]any{"terraform": map[string]any{"backend": b.Block()}}, "", "  ")
	if err != nil {
		return tofu.Invocation{}, err
	}
	if err := atomicfile.Write(filepath.Join(dir, workspace.ConfigFile), append(config, '\n'), 0o644); err != nil {
		return tofu.Invocation{}, err
	}
	env, err := r.envFor(w)
	if err != nil {
		return tofu.Invocation{}, err
	}
	inv := tofu.Invocation{Dir: dir, Env: env, Log: log, Retry: r.c.Retry}
	init := inv
	init.Args = append([]string{"init", "-input=false", "-no-color"}, initFlags...)
	if len(initFlags) == 0 {
		init.Args = append(init.Args, "-reconfigure")
	}
	if err := r.c.Engine.Run(ctx, init); err != nil {
		return inv, fmt.Errorf("workspace %s: init of %s failed: %w", w.Name, b.Where(), err)
	}
	return inv, nil
}

// PullState reads the head of w's state in backend b through tofu (so
// encrypted state is read with the run's passphrase). No state there yet is
// a zero StateHead, not an error.
func (r *Runner) PullState(ctx context.Context, w *workspace.Workspace, b workspace.Backend, log io.Writer) (StateHead, error) {
	inv, err := r.useBackend(ctx, w, b, log)
	if err != nil {
		return StateHead{}, err
	}
	head, _, err := r.pull(ctx, w, inv, b)
	return head, err
}

// pull runs `state pull` in an initialised scratch dir. The state it returns
// is plaintext: it stays in memory and is never written anywhere but to tofu.
func (r *Runner) pull(ctx context.Context, w *workspace.Workspace, inv tofu.Invocation, b workspace.Backend) (StateHead, []byte, error) {
	var out bytes.Buffer
	inv.Args = []string{"state", "pull"}
	inv.Stdout = &out
	if err := r.c.Engine.Run(ctx, inv); err != nil {
		return StateHead{}, nil, fmt.Errorf("workspace %s: reading its state from %s failed: %w", w.Name, b.Where(), err)
	}
	data := bytes.TrimSpace(out.Bytes())
	if len(data) == 0 {
		return StateHead{}, nil, nil
	}
	doc, err := state.ParseFile(data)
	if err != nil {
		return StateHead{}, nil, fmt.Errorf("workspace %s: tofu state pull from %s did not print a state: %v", w.Name, b.Where(), err)
	}
	return StateHead{Lineage: doc.LineageOrEmpty(), Serial: doc.SerialOrZero(), Resources: len(doc.Resources)}, data, nil
}

// MigrateState copies w's state from backend from to backend to with
// `tofu init -migrate-state -force-copy`, and checks with `state pull` on
// both sides that lineage and serial arrived unchanged. The source is left
// as it was: removing it is the caller's decision, after this succeeded.
func (r *Runner) MigrateState(ctx context.Context, w *workspace.Workspace, from, to workspace.Backend, log io.Writer) (StateHead, error) {
	inv, err := r.useBackend(ctx, w, from, log)
	if err != nil {
		return StateHead{}, err
	}
	before, source, err := r.pull(ctx, w, inv, from)
	if err != nil {
		return StateHead{}, err
	}
	if !before.Exists() {
		return StateHead{}, fmt.Errorf("workspace %s: %s holds no state to migrate", w.Name, from.Where())
	}
	if inv, err = r.useBackend(ctx, w, to, log, "-migrate-state", "-force-copy"); err != nil {
		return before, err
	}
	after, copied, err := r.pull(ctx, w, inv, to)
	if err != nil {
		return before, err
	}
	if !after.Same(before) && sameContent(source, copied) {
		// The content arrived, but not the identity: OpenTofu's pg backend
		// creates an empty state of its own lineage on init and keeps that
		// lineage when the migration writes into it, and the local backend
		// counts the migration as new versions (measured with 1.12.6).
		// A forced push of the source sets lineage and serial.
		if after, copied, err = r.restoreIdentity(ctx, w, inv, to, source); err != nil {
			return before, err
		}
	}
	if !after.Same(before) || !sameContent(source, copied) {
		return before, fmt.Errorf("workspace %s: after migrating, %s holds %s, but %s held %s: the copy is not the same state", w.Name, to.Where(), after, from.Where(), before)
	}
	return after, nil
}

// restoreIdentity force-pushes source to the backend inv is initialised
// with until it reads back with the source's lineage and serial. Backends
// differ in how they count a forced push (pg adds one when the lineage
// changes; the local backend counts by what it last read), so the serial
// pushed is corrected by what was read back, a few times at most. Each
// attempt is read back, and the source is never touched.
func (r *Runner) restoreIdentity(ctx context.Context, w *workspace.Workspace, inv tofu.Invocation, to workspace.Backend, source []byte) (StateHead, []byte, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(source))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return StateHead{}, nil, fmt.Errorf("workspace %s: %v", w.Name, err)
	}
	serial, err := doc["serial"].(json.Number).Int64()
	if err != nil || serial < 1 {
		return StateHead{}, nil, fmt.Errorf("workspace %s: the state has serial %v: cannot keep it in %s", w.Name, doc["serial"], to.Where())
	}
	lineage, _ := doc["lineage"].(string)
	var head StateHead
	var data []byte
	pushSerial := serial
	for attempt := 0; attempt < 3 && pushSerial >= 0; attempt++ {
		doc["serial"] = pushSerial
		pushed, err := json.Marshal(doc)
		if err != nil {
			return StateHead{}, nil, err
		}
		push := inv
		push.Args = []string{"state", "push", "-force", "-"}
		push.Stdin = bytes.NewReader(pushed)
		if err := r.c.Engine.Run(ctx, push); err != nil {
			return StateHead{}, nil, fmt.Errorf("workspace %s: writing the state's lineage and serial to %s failed: %w", w.Name, to.Where(), err)
		}
		if head, data, err = r.pull(ctx, w, inv, to); err != nil {
			return head, data, err
		}
		if head.Lineage == lineage && head.Serial == serial {
			break
		}
		pushSerial -= head.Serial - serial
	}
	return head, data, nil
}

// sameContent compares the resources and outputs of two pulled states.
func sameContent(a, b []byte) bool {
	x, errX := state.ParseFile(a)
	y, errY := state.ParseFile(b)
	if errX != nil || errY != nil {
		return false
	}
	return jsonEqual(x.Outputs, y.Outputs) && jsonEqual(rawList(x.Resources), rawList(y.Resources))
}

// rawList is a decoded JSON array as JSON again; nil when it was absent.
func rawList(items []json.RawMessage) json.RawMessage {
	if items == nil {
		return nil
	}
	b, _ := json.Marshal(items)
	return b
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return len(a) == 0 && len(b) == 0
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

// RewriteState reads w's state from its backend and writes it back
// (`state pull` then `state push`): with the run's TF_ENCRYPTION this
// encrypts plaintext state (state encrypt) or re-encrypts it with a new
// passphrase (state rekey). Lineage and serial stay as they were.
func (r *Runner) RewriteState(ctx context.Context, w *workspace.Workspace, log io.Writer) (StateHead, error) {
	inv, err := r.useBackend(ctx, w, w.Backend, log)
	if err != nil {
		return StateHead{}, err
	}
	before, data, err := r.pull(ctx, w, inv, w.Backend)
	if err != nil || !before.Exists() {
		return before, err
	}
	push := inv
	push.Args = []string{"state", "push", "-"}
	push.Stdin = bytes.NewReader(data)
	if err := r.c.Engine.Run(ctx, push); err != nil {
		return before, fmt.Errorf("workspace %s: writing its state back to %s failed: %w", w.Name, w.Backend.Where(), err)
	}
	after, _, err := r.pull(ctx, w, inv, w.Backend)
	if err != nil {
		return before, err
	}
	if !after.Same(before) {
		return before, fmt.Errorf("workspace %s: after rewriting, its state is %s, but it was %s", w.Name, after, before)
	}
	return after, nil
}
