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
	// A position anywhere in Nix's output: `at FILE:L:C:` below the message,
	// or inside it ("anonymous function at FILE:L:C called with...").
	positionRe = regexp.MustCompile(`(/[^\s:'` + "`" + `"]+):(\d+):(\d+)`)
	// nixpkgs' module system names the defining file without a line.
	definedInRe = regexp.MustCompile("In `(/[^']+)'")
	// eval.nix's marker before each workspace's configuration is forced
	// (clan.nix), and --show-trace's context line for the same.
	workspaceRe = regexp.MustCompile(`(?m)^trace: ` + workspaceMarker + `(\S+)( done)?$|while evaluating workspace (\S+)`)
)

var markerLineRe = regexp.MustCompile(`(?m)^trace: ` + workspaceMarker + `.*\n`)

func withoutMarkers(stderr string) string { return markerLineRe.ReplaceAllString(stderr, "") }

// workspaceMarker starts the trace lines clan.nix prints as it starts and
// ends a workspace's configuration: the last one before an error names the
// workspace at fault without --show-trace, unless it says "done".
const workspaceMarker = "clan-terranix: workspace "

// parseNixError reads Nix's stderr. The location is the first one outside
// the evaluator's own files and nixpkgs' lib: the user's file.
func parseNixError(stderr, root string) *Error {
	e := &Error{Output: stderr}
	e.Message = firstMessage(stderr)
	errorAt := strings.Index(stderr, "error:")
	if errorAt < 0 {
		errorAt = 0
	}
	for _, m := range positionRe.FindAllStringSubmatch(stderr[errorAt:], -1) {
		if isEvaluatorFile(m[1]) || isNixpkgsLibFile(m[1]) {
			continue
		}
		e.File = relativeTo(root, m[1])
		e.Line, _ = strconv.Atoi(m[2])
		e.Col, _ = strconv.Atoi(m[3])
		break
	}
	if e.File == "" {
		if m := definedInRe.FindStringSubmatch(stderr[errorAt:]); m != nil && !isEvaluatorFile(m[1]) {
			e.File = relativeTo(root, m[1])
		}
	}
	// The last workspace started before the error is the one that failed.
	if ms := workspaceRe.FindAllStringSubmatch(stderr[:errorAt], -1); len(ms) > 0 {
		if last := ms[len(ms)-1]; last[2] == "" {
			e.Workspace = last[1]
		}
	} else if m := workspaceRe.FindStringSubmatch(stderr[errorAt:]); m != nil {
		e.Workspace = strings.Trim(m[3], "'`\"")
	}
	e.Message = relativizeText(root, e.Message)
	e.Output = withoutMarkers(stderr)
	if e.File != "" {
		// The message need not repeat the file the error starts with.
		e.Message = strings.TrimSuffix(strings.ReplaceAll(e.Message, fmt.Sprintf(" at %s:%d:%d", e.File, e.Line, e.Col), ""), " ")
	}
	return e
}

// traceLines are Nix's `trace:` lines that are not workspace markers:
// warnings (lib.warn) printed while evaluating, for the result's warnings.
func traceLines(stderr string) []string {
	var out []string
	for _, line := range strings.Split(stderr, "\n") {
		msg, ok := strings.CutPrefix(line, "trace: ")
		if !ok || strings.HasPrefix(msg, workspaceMarker) {
			continue
		}
		out = append(out, ansiRe.ReplaceAllString(msg, ""))
	}
	return out
}

var ansiRe = regexp.MustCompile("\x1b\\[[0-9;]*m")

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

// isEvaluatorFile tells the evaluator's own files (nix/lib and below,
// wherever it was copied: the cache dir, a flake input in the store) from
// the user's.
func isEvaluatorFile(path string) bool {
	dir, rel := filepath.Dir(path), filepath.Base(path)
	for depth := 0; depth < 2; depth++ {
		if _, err := fs.Stat(nixlib.Lib, "lib/"+rel); err == nil && hasFiles(dir, "markers.nix", "terranix.nix", "eval.nix") {
			return true
		}
		rel, dir = filepath.Base(dir)+"/"+rel, filepath.Dir(dir)
	}
	return false
}

// isNixpkgsLibFile tells nixpkgs' lib (modules.nix, types.nix...) from the
// user's files: errors point at the user's definition, not the merge.
func isNixpkgsLibFile(path string) bool {
	return hasFiles(filepath.Dir(path), "modules.nix", "types.nix", "options.nix", "attrsets.nix")
}

func hasFiles(dir string, names ...string) bool {
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}
