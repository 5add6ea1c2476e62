// Package nixeval runs Nix: it evaluates every workspace of a clan in one
// nix-instantiate process with the builtins-only evaluator of nix/lib, and
// renders single Terranix module files as the terranix command does.
package nixeval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// Evaluator runs nix-instantiate on the embedded evaluator.
type Evaluator struct {
	// NixInstantiate is the nix-instantiate binary; "" looks it up on PATH.
	NixInstantiate string
	// ShowTrace puts Nix's whole trace into errors' text.
	ShowTrace bool
	// WithNulls keeps null values in the Terraform JSON (terranix --with-nulls).
	WithNulls bool
	// Flake evaluates the clan's flake output clanTerranix (see
	// nix/lib/flake-output.nix) with `nix eval` instead: nixpkgs' lib, the
	// real NixOS configurations and the flake's inputs are then available.
	Flake bool
	// Nix is the nix binary for flake mode; "" looks it up on PATH.
	Nix string
	// Nixpkgs is a nixpkgs or nixpkgs.lib directory (one with lib/): its lib
	// evaluates the modules on nixpkgs' module system, as Terranix does.
	// "" discovers one (see findNixpkgs); none found means the builtins-only
	// evaluator.
	Nixpkgs string
	// CacheFile keeps the last result with a digest of its inputs (see
	// cache.go); "" evaluates every time.
	CacheFile string
}

// ErrNixMissing is returned when nix-instantiate cannot be found.
var ErrNixMissing = errors.New("nix-instantiate not found: install Nix (on Debian: apt-get install nix-bin) or run scripts/bootstrap")

// Rendered is one Terranix module file evaluated alone.
type Rendered struct {
	// JSON is config.tf.json byte for byte as terranix writes it.
	JSON      []byte
	Warnings  []string
	Evaluator EvaluatorInfo
}

// Evaluate evaluates every workspace of the clan in one Nix process, or
// none when CacheFile holds the result for the same inputs.
func (e *Evaluator) Evaluate(ctx context.Context, l *clan.Layout) (*Result, error) {
	var choice *nixpkgsChoice
	if !e.Flake {
		var err error
		if choice, err = findNixpkgs(e.Nixpkgs, l.Root); err != nil {
			return nil, err
		}
	}
	layout, err := json.Marshal(l)
	if err != nil {
		return nil, err
	}
	var key, clanSum string
	if e.CacheFile != "" {
		if key, err = e.cacheKey(layout, choice); err != nil {
			return nil, err
		}
		if clanSum, err = clanDigest(l.Root, e.Flake); err != nil {
			return nil, err
		}
		if res := readCache(e.CacheFile, key, clanSum); res != nil {
			return res, nil
		}
	}
	var res *Result
	var stderr string
	if e.Flake {
		res, stderr, err = e.evaluateFlake(ctx, l.Root)
	} else {
		res, stderr, err = e.evaluateLayout(ctx, l.Root, layout, choice)
	}
	if err != nil || e.CacheFile == "" {
		return res, err
	}
	// nixpkgs' lib/ is in the key already; its packages, when a module
	// used them, are outside files like any other.
	nixpkgsLib := ""
	if res.Evaluator.Nixpkgs != "" {
		nixpkgsLib = filepath.Join(res.Evaluator.Nixpkgs, "lib")
	}
	if lib, err := libDir(); err == nil {
		outside := outsideFiles(stderr, l.Root, nixpkgsLib, lib)
		if digest, err := inputsDigest(clanSum, outside); err == nil {
			writeCache(e.CacheFile, &cacheEntry{Key: key, Outside: outside, Digest: digest, Result: res})
		}
	}
	return res, nil
}

// cacheKey hashes what this evaluation asks: the evaluator's code and flags,
// the layout, the nixpkgs and its content, NIX_PATH (<nixpkgs> in a module).
func (e *Evaluator) cacheKey(layout []byte, choice *nixpkgsChoice) (string, error) {
	lib, err := libDir()
	if err != nil {
		return "", err
	}
	nixpkgs, err := choice.key()
	if err != nil {
		return "", err
	}
	return requestKey(filepath.Base(lib), strconv.FormatBool(e.WithNulls), strconv.FormatBool(e.Flake),
		string(layout), nixpkgs, choice.source(), os.Getenv("NIX_PATH")), nil
}

func (e *Evaluator) evaluateLayout(ctx context.Context, root string, layout []byte, choice *nixpkgsChoice) (*Result, string, error) {
	lib, err := libDir()
	if err != nil {
		return nil, "", err
	}
	args, err := confinedArgs(root, lib, choice)
	if err != nil {
		return nil, "", err
	}
	// The layout goes in on stdin, inside the expression (restrict-eval
	// cannot read /dev/stdin, an argument would be too long): no temp file
	// to leave behind when killed.
	expr := fmt.Sprintf("{ withNulls ? false, nixpkgs ? \"\", nixpkgsLocked ? \"\" }: import %s { inherit withNulls nixpkgs nixpkgsLocked; layout = builtins.fromJSON %s; }\n",
		nixString(filepath.Join(lib, "eval.nix")), nixString(string(layout)))
	var res Result
	stderr, err := e.runWith(ctx, root, "-", append(os.Environ(), "NIX_PATH="), &res, []byte(expr), append(args, choice.args()...)...)
	var nixErr *Error
	if errors.As(err, &nixErr) {
		explainConfinement(nixErr, root)
	}
	if err != nil {
		return nil, "", err
	}
	res.Warnings = append(res.Warnings, traceLines(stderr)...)
	res.Evaluator.Source = choice.source()
	return tidy(&res, root), stderr, nil
}

// tidy makes file names relative to the clan root (as Nix saw it: the clan
// directory, or its store copy in flake mode) and nil lists empty.
func tidy(res *Result, root string) *Result {
	for name, ws := range res.Workspaces {
		for i, f := range ws.Files {
			ws.Files[i] = relativeTo(root, f)
		}
		if ws.Tags == nil {
			ws.Tags = []string{}
		}
		if ws.DependsOn == nil {
			ws.DependsOn = []string{}
		}
		res.Workspaces[name] = ws
	}
	for i, w := range res.Warnings {
		res.Warnings[i] = relativizeText(root, w)
	}
	if res.Warnings == nil {
		res.Warnings = []string{}
	}
	return res
}

// Render evaluates one Terranix module file alone and returns its
// config.tf.json as the terranix command prints it.
func (e *Evaluator) Render(ctx context.Context, file string) ([]byte, error) {
	r, err := e.RenderFile(ctx, file)
	if err != nil {
		return nil, err
	}
	return r.JSON, nil
}

// RenderFile is Render with the warnings (unknown top-level keys...).
func (e *Evaluator) RenderFile(ctx context.Context, file string) (*Rendered, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil || fi.IsDir() {
		return nil, fmt.Errorf("%s: not a Nix file", file)
	}
	choice, err := findNixpkgs(e.Nixpkgs, "")
	if err != nil {
		return nil, err
	}
	var out struct {
		JSON      string        `json:"json"`
		Warnings  []string      `json:"warnings"`
		Evaluator EvaluatorInfo `json:"evaluator"`
	}
	// Messages name files relative to the working directory, as the user gave them.
	cwd, _ := os.Getwd()
	args := append([]string{"--argstr", "file", abs}, choice.args()...)
	stderr, err := e.run(ctx, cwd, "render.nix", &out, nil, args...)
	var nixErr *Error
	if errors.As(err, &nixErr) && nixErr.File == "" {
		// Nix gave no position (a throw): the file rendered is the one to look at.
		nixErr.File = relativeTo(cwd, abs)
	}
	if err != nil {
		return nil, err
	}
	out.Warnings = append(out.Warnings, traceLines(stderr)...)
	for i, w := range out.Warnings {
		out.Warnings[i] = relativizeText(cwd, w)
	}
	out.Evaluator.Source = choice.source()
	return &Rendered{JSON: []byte(out.JSON), Warnings: out.Warnings, Evaluator: out.Evaluator}, nil
}

// run evaluates lib/<entry> with --strict --json and decodes its output;
// stdin is given to Nix. Nix may print partial JSON before it fails: stdout
// is decoded only on success. It returns Nix's stderr (trace lines, and
// with a cache the files evaluated).
// Without --show-trace a failure costs no more than the evaluation up to
// it; with it, the failed evaluation is run again with the trace.
func (e *Evaluator) run(ctx context.Context, root, entry string, out any, stdin []byte, args ...string) (string, error) {
	dir, err := libDir()
	if err != nil {
		return "", err
	}
	return e.runWith(ctx, root, filepath.Join(dir, entry), nil, out, stdin, args...)
}

// runWith is run of target (a file, or "-": the expression on stdin) with
// env as Nix's environment (nil: this process's).
func (e *Evaluator) runWith(ctx context.Context, root, target string, env []string, out any, stdin []byte, args ...string) (string, error) {
	bin, err := e.nixInstantiate()
	if err != nil {
		return "", err
	}
	argv := append(e.verbosity(), "--eval", "--strict", "--json",
		target, "--arg", "withNulls", strconv.FormatBool(e.WithNulls))
	argv = append(argv, args...)
	stdout, stderr, err := e.exec(ctx, bin, argv, stdin, env)
	if err != nil {
		nixErr, ok := err.(*Error)
		if !ok {
			return "", err
		}
		*nixErr = *parseNixError(stderr, root)
		e.addTrace(ctx, nixErr, bin, argv, stdin, env)
		e.locateRefusal(ctx, nixErr, func(f string) string {
			if within(root, f) {
				return relativeTo(root, f)
			}
			return ""
		}, bin, argv, stdin, env)
		return "", nixErr
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		return "", fmt.Errorf("decoding the output of %s %s: %w", bin, target, err)
	}
	return stderr, nil
}

// addTrace runs a failed evaluation again with --show-trace, when asked,
// for the error's full output: the first run stays as fast as a run can be.
func (e *Evaluator) addTrace(ctx context.Context, nixErr *Error, bin string, argv []string, stdin []byte, env []string) {
	if !e.ShowTrace {
		return
	}
	nixErr.ShowTrace = true
	if _, traced, err := e.exec(ctx, bin, append([]string{"--show-trace"}, argv...), stdin, env); err != nil {
		nixErr.Output = withoutMarkers(traced)
	}
}

// verbosity makes Nix name every file it evaluates when the cache needs
// to know them.
func (e *Evaluator) verbosity() []string {
	if e.CacheFile == "" {
		return nil
	}
	return []string{"-v"}
}

// exec runs Nix once; a failed evaluation is an *Error to be filled in.
func (e *Evaluator) exec(ctx context.Context, bin string, argv []string, stdin []byte, env []string) ([]byte, string, error) {
	cmd := exec.CommandContext(ctx, bin, argv...)
	cmd.Env = env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return nil, "", fmt.Errorf("running %s: %w", bin, err)
		}
		return nil, stderr.String(), &Error{}
	}
	return stdout.Bytes(), stderr.String(), nil
}

func (e *Evaluator) nixInstantiate() (string, error) {
	if e.NixInstantiate != "" {
		if _, err := os.Stat(e.NixInstantiate); err != nil {
			return "", fmt.Errorf("%s: %w", e.NixInstantiate, ErrNixMissing)
		}
		return e.NixInstantiate, nil
	}
	bin, err := exec.LookPath("nix-instantiate")
	if err != nil {
		return "", ErrNixMissing
	}
	return bin, nil
}
