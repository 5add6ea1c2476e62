package nixeval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// FlakeOutput is the attribute of a clan's flake that flake mode evaluates.
const FlakeOutput = "clanTerranix"

// storeSourceRe matches the store copy of a flake's source in Nix messages.
var storeSourceRe = regexp.MustCompile(`/nix/store/[0-9a-z]{32}-source/`)

// evaluateFlake runs `nix eval --json <root>#clanTerranix`: the clan's flake
// calls nix/lib/flake-output.nix, which reads the layout itself and takes
// machines, tags, targetHost and service instances from the flake's clan.
// It returns Nix's stderr too (trace lines; with a cache, the files read).
func (e *Evaluator) evaluateFlake(ctx context.Context, root string) (*Result, string, error) {
	var out struct {
		Result
		Root string `json:"root"`
	}
	stderr, err := e.flakeEval(ctx, root, fmt.Sprintf("f: f { withNulls = %s; }", strconv.FormatBool(e.WithNulls)), &out, e.verbosity())
	if err != nil {
		return nil, "", err
	}
	if out.Evaluator.Kind == "nixpkgs" {
		out.Evaluator.Source = SourceFlake
	}
	out.Warnings = append(out.Warnings, traceLines(stderr)...)
	return tidy(&out.Result, out.Root), stderr, nil
}

// TargetHosts evaluates the clan's inventory through its flake, as the
// write-back's check after inventory.json changed: every machine's
// deploy.targetHost (nil: none), or an error of one line when the clan no
// longer evaluates. A git flake is only its tracked files: env may name an
// index in which inventory.json is tracked (gitcli.Repo.IndexWith).
func (e *Evaluator) TargetHosts(ctx context.Context, root string, env ...string) (map[string]*string, error) {
	var hosts map[string]*string
	_, err := e.flakeEval(ctx, root, "f: f { targetHosts = true; }", &hosts, nil, env...)
	var nixErr *Error
	if errors.As(err, &nixErr) {
		msg, _, _ := strings.Cut(nixErr.Message, "\n")
		return nil, errors.New(msg)
	}
	return hosts, err
}

// flakeEval runs `nix eval --json <root>#clanTerranix --apply apply` and
// decodes its output into out; flags go before the command's arguments,
// env is added to Nix's environment. Without --show-trace; with it, a
// failed evaluation is run again with the trace.
func (e *Evaluator) flakeEval(ctx context.Context, root, apply string, out any, flags []string, env ...string) (string, error) {
	bin := e.Nix
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("nix"); err != nil {
			return "", errors.New("nix not found: flake mode needs the nix command (on Debian: apt-get install nix-bin)")
		}
	}
	argv := append(append([]string{}, flags...), "eval", "--json", root+"#"+FlakeOutput, "--apply", apply)
	env = append(append(os.Environ(), "NIX_CONFIG="+os.Getenv("NIX_CONFIG")+"\nexperimental-features = nix-command flakes"), env...)
	stdout, stderr, err := e.exec(ctx, bin, argv, nil, env)
	if err != nil {
		if _, ok := err.(*Error); !ok {
			return "", err
		}
		nixErr := parseNixError(stderr, "")
		nixErr.File = storeSourceRe.ReplaceAllString(nixErr.File, "")
		nixErr.Message = storeSourceRe.ReplaceAllString(nixErr.Message, "")
		e.addTrace(ctx, nixErr, bin, argv, nil, env)
		e.locateRefusal(ctx, nixErr, func(f string) string {
			if loc := storeSourceRe.FindStringIndex(f); loc != nil && loc[0] == 0 {
				return f[loc[1]:]
			}
			return ""
		}, bin, argv, nil, env)
		explainConfinement(nixErr, "")
		return "", nixErr
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		return "", fmt.Errorf("decoding %s#%s: %w", root, FlakeOutput, err)
	}
	return stderr, nil
}
