package state

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
)

// Summary is what a run did to a workspace, for the commit message.
type Summary struct {
	Add, Change, Destroy int
	CountsKnown          bool   // false when the run failed before tofu reported counts
	Result               string // "ok", "failed", "interrupted", "recovered"; "" means ok
	Note                 string // one extra line for the body (why a recovery happened...)
	// Also are other files this run wrote (a machine's address and outputs),
	// committed with the state.
	Also []string
	// Duration is how long the run held the workspace; 0: unknown.
	Duration time.Duration
}

// Trailer keys written into every state commit; Log parses them back.
const (
	TrailerWorkspace = "Clan-Terranix-Workspace"
	TrailerCommand   = "Clan-Terranix-Command"
	TrailerResult    = "Clan-Terranix-Result"
	TrailerAdd       = "Clan-Terranix-Add"
	TrailerChange    = "Clan-Terranix-Change"
	TrailerDestroy   = "Clan-Terranix-Destroy"
	TrailerDuration  = "Clan-Terranix-Duration"
)

// Part is one workspace's share of a state commit.
type Part struct {
	Workspace, Command string
	Summary            Summary
}

// CommitMessage builds e.g. "terraform-state: apply web-server (+2 ~0 -1)"
// with trailers.
func CommitMessage(ws, command string, s Summary) string {
	return commitMessage([]Part{{Workspace: ws, Command: command, Summary: s}})
}

// commitMessage builds the message of a commit of one or more workspaces:
// the subject sums them up, the body has a line per workspace, and the
// trailers repeat per workspace, each group starting with its workspace.
func commitMessage(parts []Part) string {
	var b strings.Builder
	if len(parts) == 1 {
		part := parts[0]
		b.WriteString(subjectPrefix + outcome(part.Command, part.Workspace, part.Summary) + "\n\n")
		if part.Summary.Note != "" {
			b.WriteString(part.Summary.Note + "\n\n")
		}
	} else {
		b.WriteString(subjectPrefix + batchOutcome(parts) + "\n\n")
		for _, part := range parts {
			b.WriteString(outcome(part.Command, part.Workspace, part.Summary) + "\n")
			if part.Summary.Note != "" {
				b.WriteString("  " + part.Summary.Note + "\n")
			}
		}
		b.WriteString("\n")
	}
	for _, part := range parts {
		s := part.Summary
		fmt.Fprintf(&b, "%s: %s\n%s: %s\n%s: %s\n", TrailerWorkspace, part.Workspace, TrailerCommand, part.Command, TrailerResult, result(s))
		if s.CountsKnown {
			fmt.Fprintf(&b, "%s: %d\n%s: %d\n%s: %d\n", TrailerAdd, s.Add, TrailerChange, s.Change, TrailerDestroy, s.Destroy)
		}
		if s.Duration > 0 {
			fmt.Fprintf(&b, "%s: %s\n", TrailerDuration, s.Duration.Round(100*time.Millisecond))
		}
	}
	return b.String()
}

const subjectPrefix = clan.StateDir + ": "

// batchOutcome sums up several workspaces: "apply m1, m2 (+8 ~0 -0, 1 failed)".
func batchOutcome(parts []Part) string {
	total := Summary{CountsKnown: true}
	var names, commands, results []string
	notOK := map[string]int{}
	for _, part := range parts {
		s := part.Summary
		names = append(names, part.Workspace)
		if !slices.Contains(commands, part.Command) {
			commands = append(commands, part.Command)
		}
		total.Add, total.Change, total.Destroy = total.Add+s.Add, total.Change+s.Change, total.Destroy+s.Destroy
		total.CountsKnown = total.CountsKnown && s.CountsKnown
		if r := result(s); r != "ok" {
			if notOK[r] == 0 {
				results = append(results, r)
			}
			notOK[r]++
		}
	}
	for i, r := range results {
		results[i] = fmt.Sprintf("%d %s", notOK[r], r)
	}
	total.Result = strings.Join(results, ", ")
	return outcome(strings.Join(commands, "/"), nameList(names, 50), total)
}

func result(s Summary) string {
	if s.Result == "" {
		return "ok"
	}
	return s.Result
}

// outcome is "apply web-server (+2 ~0 -1, failed)".
func outcome(command, what string, s Summary) string {
	line := command + " " + what
	var parts []string
	if s.CountsKnown {
		parts = append(parts, fmt.Sprintf("+%d ~%d -%d", s.Add, s.Change, s.Destroy))
	}
	if r := result(s); r != "ok" {
		parts = append(parts, r)
	}
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	return line
}

// nameList joins names, ending in "and N more" where they would pass width.
func nameList(names []string, width int) string {
	list := names[0]
	for i, name := range names[1:] {
		rest := fmt.Sprintf(" and %d more", len(names)-1-i)
		if len(list)+2+len(name) > width {
			return list + rest
		}
		list += ", " + name
	}
	return list
}

// Commit commits the workspace's committed files (state and provider lock
// file, and terraform-state/.gitignore) and nothing else. changed is false
// when they had nothing new.
func Commit(ctx context.Context, repo gitcli.Repo, p Paths, command string, s Summary) (id string, changed bool, err error) {
	return commitParts(ctx, repo, []Paths{p}, []Part{{Workspace: p.Workspace, Command: command, Summary: s}})
}

// commitParts commits the files of several workspaces of one clan in one
// commit, whose message names those whose files changed.
func commitParts(ctx context.Context, repo gitcli.Repo, ps []Paths, parts []Part) (id string, changed bool, err error) {
	if err := EnsureStateGitignore(ps[0].Root); err != nil {
		return "", false, err
	}
	paths := []string{clan.StateDir + "/.gitignore"}
	owner := map[string]int{}
	for i, p := range ps {
		for _, path := range append(p.Committed(), parts[i].Summary.Also...) {
			paths = append(paths, path)
			owner[path] = i
		}
	}
	if len(parts) == 1 {
		id, changed, err = repo.CommitPaths(ctx, commitMessage(parts), paths)
	} else {
		id, changed, err = repo.CommitChanged(ctx, paths, func(changedPaths []string) string {
			touched := map[int]bool{}
			for _, path := range changedPaths {
				if i, ok := owner[path]; ok {
					touched[i] = true
				}
			}
			var described []Part
			for i, part := range parts {
				if touched[i] {
					described = append(described, part)
				}
			}
			if len(described) == 0 { // only terraform-state/.gitignore
				described = parts
			}
			return commitMessage(described)
		})
	}
	if err != nil {
		var names []string
		for _, p := range ps {
			names = append(names, p.Workspace)
		}
		noun := "workspace"
		if len(names) > 1 {
			noun = "workspaces"
		}
		return "", false, fmt.Errorf("cannot commit the state of %s %s: %v", noun, strings.Join(names, ", "), err)
	}
	return id, changed, nil
}

// LogEntry is one commit that touched a workspace's state.
type LogEntry struct {
	Commit  string    `json:"commit"`
	Author  string    `json:"author"`
	Email   string    `json:"email"`
	Time    time.Time `json:"time"`
	Subject string    `json:"subject"`
	// Command and Result are empty for commits not made by clan-terranix.
	Command     string `json:"command,omitempty"`
	Result      string `json:"result,omitempty"`
	CountsKnown bool   `json:"counts_known"`
	Add         int    `json:"add"`
	Change      int    `json:"change"`
	Destroy     int    `json:"destroy"`
	// Duration is how long the run held the workspace (0: not recorded).
	Duration time.Duration `json:"duration_ns,omitempty"`
}

// Line renders the entry for `state log`:
// 2026-11-26 12:01  Alice <alice@example.org>  apply  +2 ~0 -1  ok  3f2a1b9c0d1e
// Counts and result show "?" and "-" for commits not made by clan-terranix.
func (e LogEntry) Line() string {
	counts, command, result := "?", e.Command, e.Result
	if e.CountsKnown {
		counts = fmt.Sprintf("+%d ~%d -%d", e.Add, e.Change, e.Destroy)
	}
	if command == "" {
		command, result = "(by hand: "+e.Subject+")", "-"
	}
	return fmt.Sprintf("%s  %s <%s>  %s  %s  %s  %.12s", e.Time.Local().Format("2006-01-02 15:04"), e.Author, e.Email, command, counts, result, e.Commit)
}

// Log lists who changed the workspace's state and when, newest first,
// including commits made by hand (without trailers).
func Log(ctx context.Context, repo gitcli.Repo, p Paths) ([]LogEntry, error) {
	records, err := repo.Log(ctx, "%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f%B", p.State)
	if err != nil {
		return nil, fmt.Errorf("cannot read the state history of workspace %s: %v", p.Workspace, err)
	}
	entries := make([]LogEntry, 0, len(records))
	for _, rec := range records {
		f := strings.SplitN(strings.TrimPrefix(rec, "\n"), "\x1f", 6)
		if len(f) != 6 {
			continue
		}
		e := LogEntry{Commit: f[0], Author: f[1], Email: f[2], Subject: f[4]}
		e.Time, _ = time.Parse(time.RFC3339, f[3])
		trailers := trailersOf(f[5], p.Workspace)
		e.Command, e.Result = trailers[TrailerCommand], trailers[TrailerResult]
		add, errA := strconv.Atoi(trailers[TrailerAdd])
		change, errC := strconv.Atoi(trailers[TrailerChange])
		destroy, errD := strconv.Atoi(trailers[TrailerDestroy])
		if errA == nil && errC == nil && errD == nil {
			e.Add, e.Change, e.Destroy, e.CountsKnown = add, change, destroy, true
		}
		e.Duration, _ = time.ParseDuration(trailers[TrailerDuration])
		entries = append(entries, e)
	}
	return entries, nil
}

// trailersOf returns the clan-terranix trailers of ws in a commit message;
// a commit of several workspaces has a group per workspace, each starting
// with its Clan-Terranix-Workspace trailer.
func trailersOf(body, ws string) map[string]string {
	var groups []map[string]string
	for _, line := range strings.Split(body, "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok || !strings.HasPrefix(k, "Clan-Terranix-") {
			continue
		}
		if k == TrailerWorkspace || len(groups) == 0 {
			groups = append(groups, map[string]string{})
		}
		groups[len(groups)-1][k] = strings.TrimSpace(v)
	}
	for _, g := range groups {
		if g[TrailerWorkspace] == ws {
			return g
		}
	}
	if len(groups) > 0 {
		return groups[0]
	}
	return map[string]string{}
}
