package state

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

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
}

// Trailer keys written into every state commit; Log parses them back.
const (
	TrailerWorkspace = "Clan-Terranix-Workspace"
	TrailerCommand   = "Clan-Terranix-Command"
	TrailerResult    = "Clan-Terranix-Result"
	TrailerAdd       = "Clan-Terranix-Add"
	TrailerChange    = "Clan-Terranix-Change"
	TrailerDestroy   = "Clan-Terranix-Destroy"
)

// CommitMessage builds e.g. "terraform-state: apply web-server (+2 ~0 -1)"
// with trailers.
func CommitMessage(ws, command string, s Summary) string {
	result := s.Result
	if result == "" {
		result = "ok"
	}
	subject := fmt.Sprintf("terraform-state: %s %s", command, ws)
	var parts []string
	if s.CountsKnown {
		parts = append(parts, fmt.Sprintf("+%d ~%d -%d", s.Add, s.Change, s.Destroy))
	}
	if result != "ok" {
		parts = append(parts, result)
	}
	if len(parts) > 0 {
		subject += " (" + strings.Join(parts, ", ") + ")"
	}
	var b strings.Builder
	b.WriteString(subject + "\n\n")
	if s.Note != "" {
		b.WriteString(s.Note + "\n\n")
	}
	fmt.Fprintf(&b, "%s: %s\n%s: %s\n%s: %s\n", TrailerWorkspace, ws, TrailerCommand, command, TrailerResult, result)
	if s.CountsKnown {
		fmt.Fprintf(&b, "%s: %d\n%s: %d\n%s: %d\n", TrailerAdd, s.Add, TrailerChange, s.Change, TrailerDestroy, s.Destroy)
	}
	return b.String()
}

// Commit commits the workspace's committed files (state and provider lock
// file, and terraform-state/.gitignore) and nothing else. changed is false
// when they had nothing new.
func Commit(ctx context.Context, repo gitcli.Repo, p Paths, command string, s Summary) (id string, changed bool, err error) {
	if err := EnsureStateGitignore(p.Root); err != nil {
		return "", false, err
	}
	paths := append(append(p.Committed(), StateRoot+"/.gitignore"), s.Also...)
	id, changed, err = repo.CommitPaths(ctx, CommitMessage(p.Workspace, command, s), paths)
	if err != nil {
		return "", false, fmt.Errorf("cannot commit the state of workspace %s: %v", p.Workspace, err)
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
		trailers := parseTrailers(f[5])
		e.Command, e.Result = trailers[TrailerCommand], trailers[TrailerResult]
		add, errA := strconv.Atoi(trailers[TrailerAdd])
		change, errC := strconv.Atoi(trailers[TrailerChange])
		destroy, errD := strconv.Atoi(trailers[TrailerDestroy])
		if errA == nil && errC == nil && errD == nil {
			e.Add, e.Change, e.Destroy, e.CountsKnown = add, change, destroy, true
		}
		entries = append(entries, e)
	}
	return entries, nil
}

func parseTrailers(body string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(body, "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if ok && strings.HasPrefix(k, "Clan-Terranix-") {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}
