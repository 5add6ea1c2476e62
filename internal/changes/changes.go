// Package changes records what was applied to each workspace and tells, with
// no tofu process, whether a workspace needs to run again: its generated
// config changed, or an upstream output it reads changed.
package changes

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// RecordFile is the name of the record kept (and committed) beside the state.
const RecordFile = clan.RecordFileName

// Record is what the last successful apply of a workspace saw.
type Record struct {
	// Config is the digest of the generated config.tf.json.
	Config string `json:"config"`
	// Upstream holds, per upstream workspace, the digests of the outputs read.
	Upstream map[string]map[string]string `json:"upstream,omitempty"`
	// Outputs holds the digests of this workspace's own outputs, which its
	// dependents compare against.
	Outputs map[string]string `json:"outputs"`
}

// Status is where a workspace stands against its record.
type Status string

const (
	NeverApplied    Status = "never applied"
	UpToDate        Status = "up to date"
	ConfigChanged   Status = "config changed"
	UpstreamChanged Status = "upstream outputs changed"
	Unknown         Status = "unknown" // state exists but no record: treated as changed
)

// NeedsRun reports whether a workspace in this status must run.
func (s Status) NeedsRun() bool { return s != UpToDate }

// RecordPath is the record's path relative to the clan root.
func RecordPath(w *workspace.Workspace) string { return path.Join(w.StateDir(), RecordFile) }

// Digest hashes bytes for a record.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// DigestValue hashes a JSON value in its canonical encoding (sorted keys).
func DigestValue(v any) string {
	b, _ := json.Marshal(v)
	return Digest(b)
}

// Read loads the record of w; a missing record returns nil, nil.
func Read(root string, w *workspace.Workspace) (*Record, error) {
	file := filepath.Join(root, RecordPath(w))
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %v (delete it to re-record on the next apply)", RecordPath(w), err)
	}
	return &r, nil
}

// Write stores the record of w.
func Write(root string, w *workspace.Workspace, r *Record) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	file := filepath.Join(root, RecordPath(w))
	if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(file, data, 0o644)
}

// NewRecord builds the record of w after an apply: its config digest, the
// digests of the upstream outputs it reads (from the upstreams' records) and
// of its own outputs.
func NewRecord(root string, set *workspace.Set, w *workspace.Workspace, config []byte, outputs map[string]any) (*Record, error) {
	r := &Record{Config: Digest(config), Outputs: map[string]string{}}
	for name, v := range outputs {
		r.Outputs[name] = DigestValue(v)
	}
	up, err := upstreamDigests(root, set, w)
	if err != nil {
		return nil, err
	}
	if len(up) > 0 {
		r.Upstream = up
	}
	return r, nil
}

// upstreamDigests collects, for each output w reads, the digest its upstream
// recorded; an upstream with no record contributes "".
func upstreamDigests(root string, set *workspace.Set, w *workspace.Workspace) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	records := map[string]*Record{}
	for _, ref := range w.Refs {
		if ref.Output == "" {
			continue
		}
		rec, seen := records[ref.Workspace]
		if !seen {
			up, ok := set.Get(ref.Workspace)
			if !ok {
				continue
			}
			var err error
			if rec, err = Read(root, up); err != nil {
				return nil, err
			}
			records[ref.Workspace] = rec
		}
		if out[ref.Workspace] == nil {
			out[ref.Workspace] = map[string]string{}
		}
		if rec != nil {
			out[ref.Workspace][ref.Output] = rec.Outputs[ref.Output]
		} else {
			out[ref.Workspace][ref.Output] = ""
		}
	}
	return out, nil
}

// Check compares w's current config and upstream outputs against its record.
// stateExists tells a workspace never applied from one applied before records.
func Check(root string, set *workspace.Set, w *workspace.Workspace, config []byte, stateExists bool) (Status, error) {
	rec, err := Read(root, w)
	if err != nil {
		return "", err
	}
	if rec == nil {
		if stateExists {
			return Unknown, nil
		}
		return NeverApplied, nil
	}
	if rec.Config != Digest(config) {
		return ConfigChanged, nil
	}
	up, err := upstreamDigests(root, set, w)
	if err != nil {
		return "", err
	}
	if !sameDigests(up, rec.Upstream) {
		return UpstreamChanged, nil
	}
	return UpToDate, nil
}

func sameDigests(a, b map[string]map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for ws, outs := range a {
		other := b[ws]
		if len(outs) != len(other) {
			return false
		}
		for n, d := range outs {
			if other[n] != d {
				return false
			}
		}
	}
	return true
}
