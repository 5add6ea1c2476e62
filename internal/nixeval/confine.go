package nixeval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// A workspace is evaluated confined: Nix's restrict-eval lets it read only
// the paths on its search path, and confinedArgs puts there exactly what an
// evaluation needs. Nix allows a path with everything below it, so the clan
// is listed by its entries minus those no evaluation may read: terraform-state/ (one
// machine must not read another's state), .git, the work dir, and each
// machines/<m>/terraform-outputs.json (written by apply; skipInput keeps it
// out of the cache key, so reading it would also make the cache wrong).
//
// restrict-eval also makes builtins.getEnv return "" and refuses
// fetchurl/fetchGit of anything not allowed; builtins.currentTime stays
// available (Nix 2.8 has no setting for it): docs/guide.md says so.

// storeDir is where Nix keeps its store; a configuration may read any of it
// (its inputs, nixpkgs, fetched sources), as in a pure flake evaluation.
const storeDir = "/nix/store"

// confinedArgs are the nix-instantiate flags of a confined evaluation of the
// clan at root with the evaluator in lib and nixpkgs' lib from choice.
// `<nixpkgs>` in a module means the nixpkgs chosen (evaluateLayout empties
// NIX_PATH: its entries would be readable too).
func confinedArgs(root, lib string, choice *nixpkgsChoice) ([]string, error) {
	paths, err := clanInputs(root)
	if err != nil {
		return nil, err
	}
	paths = append(paths, lib, storeDir)
	args := []string{"--option", "restrict-eval", "true"}
	if choice != nil && choice.Locked == nil && choice.Path != "" {
		args = append(args, "-I", "nixpkgs="+choice.Path)
	}
	seen := map[string]bool{}
	for _, p := range paths {
		// Nix checks the path as written and again with links resolved.
		for _, q := range []string{p, resolved(p)} {
			if !seen[q] {
				seen[q] = true
				args = append(args, "-I", fmt.Sprintf("clan-terranix-input-%d=%s", len(seen), q))
			}
		}
	}
	return args, nil
}

// clanInputs lists the clan's paths an evaluation may read.
func clanInputs(root string) ([]string, error) {
	skip := skipInput(false)
	var paths []string
	var walk func(rel string, depth int) error
	walk = func(rel string, depth int) error {
		entries, err := os.ReadDir(filepath.Join(root, rel))
		if err != nil {
			return fmt.Errorf("reading %s: %w", filepath.Join(root, rel), err)
		}
		for _, e := range entries {
			r := filepath.ToSlash(filepath.Join(rel, e.Name()))
			if skip(r, e.IsDir()) {
				continue
			}
			// Only machines/<m>/ can hold a file to leave out: such a folder
			// is listed by entries (the others whole: fewer arguments).
			if e.IsDir() && (r == clan.MachinesDir || depth == 1 && rel == clan.MachinesDir && hasOutputs(root, r)) {
				if err := walk(r, depth+1); err != nil {
					return err
				}
				continue
			}
			paths = append(paths, filepath.Join(root, r))
		}
		return nil
	}
	if err := walk("", 0); err != nil {
		return nil, err
	}
	sort.Strings(paths)
	return paths, nil
}

func hasOutputs(root, machineDir string) bool {
	_, err := os.Lstat(filepath.Join(root, machineDir, clan.OutputsFile))
	return err == nil
}

func resolved(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// nixString quotes s as a Nix string literal.
func nixString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `${`, `\${`).Replace(s) + `"`
}

var (
	// forbiddenRe matches Nix's refusal of a path outside the allowed ones
	// (restrict-eval in files mode, pure evaluation in flake mode).
	forbiddenRe = regexp.MustCompile(`access to (?:absolute|canonical) path '([^']*)' is forbidden in (?:restricted|pure eval) mode`)
	// leftOutRe matches a path of the flake's source left out of the copy
	// evaluated (flake-output.nix), once the store prefix is stripped.
	leftOutRe = regexp.MustCompile(`(?:getting status of|opening file) '((?:` + clan.StateDir + `|` + regexp.QuoteMeta(clan.WorkDir) + `)(?:/[^']*)?)': No such file or directory`)
	refusedRe = regexp.MustCompile(forbiddenRe.String() + `|` + leftOutRe.String())
)

// locateRefusal finds the file whose read was refused: Nix gives no
// position without its trace, so a refused evaluation is run again with it
// (once; a confined run that succeeds costs nothing more). rel gives a
// position's file relative to the clan, "" when it is not the clan's.
func (e *Evaluator) locateRefusal(ctx context.Context, err *Error, rel func(string) string, bin string, argv []string, stdin []byte, env []string) {
	if err.File != "" || !refusedRe.MatchString(err.Message) {
		return
	}
	traced := err.Output
	if !err.ShowTrace {
		_, traced, _ = e.exec(ctx, bin, append([]string{"--show-trace"}, argv...), stdin, env)
	}
	// The first position is the innermost: where the read is written.
	for _, m := range positionRe.FindAllStringSubmatch(traced, -1) {
		if f := rel(m[1]); f != "" {
			err.File = f
			err.Line, _ = strconv.Atoi(m[2])
			err.Col, _ = strconv.Atoi(m[3])
			return
		}
	}
}

// explainConfinement rewrites Nix's refusal of a path as the rule it broke;
// other errors stay as they are.
func explainConfinement(err *Error, root string) {
	m := forbiddenRe.FindStringSubmatch(err.Message)
	if m == nil {
		if m = leftOutRe.FindStringSubmatch(err.Message); m == nil {
			return
		}
	}
	// Flake mode (no root) reads the flake's source: no .git, and the
	// outputs files are readable there (NixOS reads them).
	excluded := fmt.Sprintf("terraform-state/, .git, %s or terraform-outputs.json", clan.WorkDir)
	if root == "" {
		excluded = "terraform-state/, nor files outside the flake's source"
	}
	err.Message = fmt.Sprintf("reads %s: evaluation is confined to the clan's source (not %s); pass an outside value as a file in the clan, a flake input, or a TF_VAR_* variable for secrets (docs/guide.md)",
		relativeTo(root, m[1]), excluded)
}
