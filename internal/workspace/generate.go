package workspace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"sort"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/state"
)

// ConfigFile is the name of the generated Terraform JSON in a work dir.
const ConfigFile = "config.tf.json"

// Generate returns the config.tf.json of w: the evaluated config plus the
// backend block and one terraform_remote_state data source per upstream
// workspace it reads. The input config is not modified. A Set generates each
// workspace's config once: the run's steps (the credential warning, the
// schema check, --changed, the work dir) share it, and must not modify it.
func (s *Set) Generate(w *Workspace) ([]byte, error) {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	if g, ok := s.generated[w]; ok {
		return g.config, g.err
	}
	config, err := s.generate(w)
	if s.generated == nil {
		s.generated = map[*Workspace]generated{}
	}
	s.generated[w] = generated{config, err}
	s.generations++
	return config, err
}

type generated struct {
	config []byte
	err    error
}

func (s *Set) generate(w *Workspace) ([]byte, error) {
	doc := shallowCopy(w.config)
	if !w.Backend.UserDefined {
		tf := shallowCopy(asMap(doc["terraform"]))
		tf["backend"] = map[string]any{w.Backend.Type: w.Backend.Config}
		doc["terraform"] = tf
	}
	upstream := map[string]bool{}
	for _, r := range w.Refs {
		upstream[r.Workspace] = true
	}
	if len(upstream) > 0 {
		data := shallowCopy(asMap(doc["data"]))
		rs := shallowCopy(asMap(data["terraform_remote_state"]))
		names := make([]string, 0, len(upstream))
		for n := range upstream {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if _, userWrote := rs[n]; userWrote {
				continue
			}
			up := s.byName[n]
			rs[n] = map[string]any{"backend": up.Backend.Type, "config": up.Backend.Config}
		}
		data["terraform_remote_state"] = rs
		doc["data"] = data
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("workspace %s: %v", w.Name, err)
	}
	return buf.Bytes(), nil
}

// WriteWorkDir writes config.tf.json into the work dir of w below root,
// leaving the file untouched when its content is the same. It returns the
// absolute work dir and the config written there.
func (s *Set) WriteWorkDir(root string, w *Workspace) (string, []byte, error) {
	data, err := s.Generate(w)
	if err != nil {
		return "", nil, err
	}
	dir, err := writeWorkDir(root, w, data)
	return dir, data, err
}

func writeWorkDir(root string, w *Workspace, data []byte) (string, error) {
	dir := filepath.Join(root, filepath.FromSlash(w.WorkDir()))
	// tofu writes here (.terraform/, tfplan, errored.tfstate): no planted
	// link may send that elsewhere. Below .terraform/providers the links
	// are tofu's own, into the plugin cache.
	if err := clan.CheckTree(root, w.WorkDir(), 2); err != nil {
		return "", err
	}
	if err := state.EnsureWorkDir(root); err != nil {
		return "", err
	}
	// Private: tofu's plan file there holds the config's secrets in plain text.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", err
	}
	file := filepath.Join(dir, ConfigFile)
	if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, data) {
		return dir, nil
	}
	return dir, atomicfile.WriteCache(file, data, 0o644)
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func shallowCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}
