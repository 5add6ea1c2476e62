package nixeval

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	nixlib "github.com/clan-terranix/clan-terranix/nix"
)

// Error is a failed Nix evaluation, located in the user's file when Nix
// names one.
type Error struct {
	File      string // relative to the clan root when inside it
	Line, Col int
	Workspace string // the workspace being evaluated, when known
	Message   string // Nix's message on one line
	// Output is Nix's whole error output with its trace, for --show-trace.
	Output string
	// ShowTrace makes Error() append Output.
	ShowTrace bool
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.Workspace != "" {
		fmt.Fprintf(&b, " (workspace %s)", e.Workspace)
	}
	if e.ShowTrace && e.Output != "" {
		b.WriteString("\n")
		b.WriteString(strings.TrimRight(e.Output, "\n"))
	}
	return b.String()
}

var (
	positionRe  = regexp.MustCompile(`(?m)^\s*at (/[^\n]*?):(\d+):(\d+):\s*$`)
	workspaceRe = regexp.MustCompile(`while evaluating workspace ([^\s]+)`)
)

// parseNixError reads Nix's stderr. The location is the first one outside
// the evaluator's own files: the user's file, not our internals.
func parseNixError(stderr, root string) *Error {
	e := &Error{Output: stderr}
	e.Message = firstMessage(stderr)
	for _, m := range positionRe.FindAllStringSubmatch(stderr, -1) {
		if isEvaluatorFile(m[1]) {
			continue
		}
		e.File = relativeTo(root, m[1])
		e.Line, _ = strconv.Atoi(m[2])
		e.Col, _ = strconv.Atoi(m[3])
		break
	}
	if m := workspaceRe.FindStringSubmatch(stderr); m != nil {
		e.Workspace = strings.Trim(m[1], "'`\"")
	}
	e.Message = relativizeText(root, e.Message)
	return e
}

// firstMessage is the text after "error:" up to the first blank line or
// location, joined into one line.
func firstMessage(stderr string) string {
	text := stderr
	if i := strings.Index(text, "error:"); i >= 0 {
		text = text[i+len("error:"):]
	}
	var parts []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "at /") || strings.HasPrefix(line, "… ") || strings.HasPrefix(line, "(use '--show-trace'") {
			break
		}
		if line == "" {
			if len(parts) > 0 {
				break
			}
			continue
		}
		parts = append(parts, strings.TrimPrefix(line, "clan-terranix: "))
	}
	if len(parts) == 0 {
		return strings.TrimSpace(stderr)
	}
	return strings.Join(parts, " ")
}

func relativeTo(root, path string) string {
	if root == "" {
		return path
	}
	if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// relativizeText shortens the clan's absolute paths in a message.
func relativizeText(root, text string) string {
	if root == "" {
		return text
	}
	return strings.ReplaceAll(text, strings.TrimSuffix(root, "/")+"/", "")
}

// isEvaluatorFile tells the evaluator's own files (nix/lib, wherever it was
// copied: the cache dir, a flake input in the store) from the user's.
func isEvaluatorFile(path string) bool {
	dir := filepath.Dir(path)
	if _, err := fs.Stat(nixlib.Lib, "lib/"+filepath.Base(path)); err != nil {
		return false
	}
	for _, sibling := range []string{"markers.nix", "terranix.nix"} {
		if _, err := os.Stat(filepath.Join(dir, sibling)); err != nil {
			return false
		}
	}
	return true
}
