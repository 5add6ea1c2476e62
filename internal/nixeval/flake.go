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
)

// FlakeOutput is the attribute of a clan's flake that flake mode evaluates.
const FlakeOutput = "clanTerranix"

// storeSourceRe matches the store copy of a flake's source in Nix messages.
var storeSourceRe = regexp.MustCompile(`/nix/store/[0-9a-z]{32}-source/`)

// evaluateFlake runs `nix eval --json <root>#clanTerranix`: the clan's flake
// calls nix/lib/flake-output.nix, which reads the layout itself.
func (e *Evaluator) evaluateFlake(ctx context.Context, root string) (*Result, error) {
	bin := e.Nix
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("nix"); err != nil {
			return nil, errors.New("nix not found: flake mode needs the nix command (on Debian: apt-get install nix-bin)")
		}
	}
	cmd := exec.CommandContext(ctx, bin, "eval", "--json", "--show-trace",
		root+"#"+FlakeOutput, "--apply", fmt.Sprintf("f: f { withNulls = %s; }", strconv.FormatBool(e.WithNulls)))
	cmd.Env = append(os.Environ(), "NIX_CONFIG="+os.Getenv("NIX_CONFIG")+"\nexperimental-features = nix-command flakes")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return nil, fmt.Errorf("running %s eval: %w", bin, err)
		}
		nixErr := parseNixError(stderr.String(), "")
		nixErr.File = storeSourceRe.ReplaceAllString(nixErr.File, "")
		nixErr.Message = storeSourceRe.ReplaceAllString(nixErr.Message, "")
		nixErr.ShowTrace = e.ShowTrace
		return nil, nixErr
	}
	var out struct {
		Result
		Root string `json:"root"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("decoding %s#%s: %w", root, FlakeOutput, err)
	}
	return tidy(&out.Result, out.Root), nil
}
