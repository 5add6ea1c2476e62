package nixeval

import (
	"bytes"
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
func (e *Evaluator) evaluateFlake(ctx context.Context, root string) (*Result, error) {
	var out struct {
		Result
		Root string `json:"root"`
	}
	if err := e.flakeEval(ctx, root, fmt.Sprintf("f: f { withNulls = %s; }", strconv.FormatBool(e.WithNulls)), &out); err != nil {
		return nil, err
	}
	return tidy(&out.Result, out.Root), nil
}

// TargetHosts evaluates the clan's inventory through its flake, as the
// write-back's check after inventory.json changed: every machine's
// deploy.targetHost (nil: none), or an error of one line when the clan no
// longer evaluates. A git flake is only its tracked files: env may name an
// index in which inventory.json is tracked (gitcli.Repo.IndexWith).
func (e *Evaluator) TargetHosts(ctx context.Context, root string, env ...string) (map[string]*string, error) {
	var hosts map[string]*string
	err := e.flakeEval(ctx, root, "f: f { targetHosts = true; }", &hosts, env...)
	var nixErr *Error
	if errors.As(err, &nixErr) {
		msg, _, _ := strings.Cut(nixErr.Message, "\n")
		return nil, errors.New(msg)
	}
	return hosts, err
}

// flakeEval runs `nix eval --json <root>#clanTerranix --apply apply` and
// decodes its output into out; env is added to Nix's environment.
func (e *Evaluator) flakeEval(ctx context.Context, root, apply string, out any, env ...string) error {
	bin := e.Nix
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("nix"); err != nil {
			return errors.New("nix not found: flake mode needs the nix command (on Debian: apt-get install nix-bin)")
		}
	}
	cmd := exec.CommandContext(ctx, bin, "eval", "--json", "--show-trace", root+"#"+FlakeOutput, "--apply", apply)
	cmd.Env = append(os.Environ(), "NIX_CONFIG="+os.Getenv("NIX_CONFIG")+"\nexperimental-features = nix-command flakes")
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("running %s eval: %w", bin, err)
		}
		nixErr := parseNixError(stderr.String(), "")
		nixErr.File = storeSourceRe.ReplaceAllString(nixErr.File, "")
		nixErr.Message = storeSourceRe.ReplaceAllString(nixErr.Message, "")
		nixErr.ShowTrace = e.ShowTrace
		return nixErr
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return fmt.Errorf("decoding %s#%s: %w", root, FlakeOutput, err)
	}
	return nil
}
