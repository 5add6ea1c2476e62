package check

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/cachedir"
	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

// Schemas gets the provider schemas of workspaces from the engine, once per
// provider set: `tofu providers schema -json` in a scratch dir initialised
// with the workspace's providers, kept under .clan-terranix/schemas by a key
// of the providers asked for, the engine and the provider lock file. The
// next run with the same lock reads the file and starts no tofu.
//
// Schemas fetched with a lock file describe the provider packages its
// hashes pin, whichever clan asked: they are kept in UserDir too. A new
// clan has no lock file for its first check; it finds them there by the
// lock file this run's own inits resolve (ResolvedLock), never by the
// providers' names and constraints alone, which a newer release would
// then answer differently.
type Schemas struct {
	Root string
	// UserDir keeps schemas for every clan of the user ("": only the clan's).
	UserDir string
	// ResolvedLock, when set, returns the lock file the run's own inits
	// resolved for config's provider set, nil if none did; it may wait for
	// them. It is asked only when UserDir holds the schemas of the lock file
	// these providers resolved to last time: otherwise the fetch starts at
	// once, beside those inits.
	ResolvedLock func(ctx context.Context, config map[string]any) []byte
	Engine       *tofu.Engine
	// Env is added to tofu's environment (the plugin cache).
	Env []string
	// NoPluginCache keeps the plugin cache of Env out of every fetch: the
	// run's own inits may be using it meanwhile, outside the init gate that
	// orders them (see app's prepareFirstWave).
	NoPluginCache bool

	mu     sync.Mutex
	loaded map[string]*entry
	// fetching runs one init at a time: parallel inits of new provider
	// sets race in a shared plugin cache (see operation's initGate).
	fetching sync.Mutex
}

type entry struct {
	once    sync.Once
	schemas *tfjson.ProviderSchemas
	err     error
}

// cacheFormat changes when what fetch asks tofu for changes.
const cacheFormat = 2

// schemasMaxAge is how long kept schemas may go unused: every provider
// release a clan or its user moves to adds a file, and a trimmed one costs a
// fetch again at most.
const schemasMaxAge = 30 * 24 * time.Hour

func cacheDir(path string) cachedir.Dir { return cachedir.Dir{Path: path, MaxAge: schemasMaxAge} }

// For returns the schemas of the providers config uses; lockFile is the
// workspace's provider lock file (relative to Root; may not exist yet).
func (s *Schemas) For(ctx context.Context, config map[string]any, lockFile string) (*tfjson.ProviderSchemas, error) {
	required := tofu.ProviderRequirements(config)
	lock, _ := os.ReadFile(filepath.Join(s.Root, filepath.FromSlash(lockFile)))
	if len(lock) == 0 && s.ResolvedLock != nil && !s.local(s.key(required, nil)) && s.resolvedBefore(required) {
		lock = s.ResolvedLock(ctx, config)
	}
	key := s.key(required, lock)
	s.mu.Lock()
	if s.loaded == nil {
		s.loaded = map[string]*entry{}
	}
	e, ok := s.loaded[key]
	if !ok {
		e = &entry{}
		s.loaded[key] = e
	}
	s.mu.Unlock()
	e.once.Do(func() { e.schemas, e.err = s.load(ctx, key, required, lock) })
	return e.schemas, e.err
}

func (s *Schemas) key(required map[string]any, lock []byte) string {
	h := sha256.New()
	req, _ := json.Marshal(required) // map keys are sorted
	fmt.Fprintf(h, "%d %s %s\n%s\n", cacheFormat, s.Engine.Name, s.Engine.Version, req)
	h.Write(lock)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// clanDir is where the clan keeps its schemas.
func (s *Schemas) clanDir() string {
	return filepath.Join(s.Root, filepath.FromSlash(clan.SchemasDir))
}

// local reports whether the clan keeps the schemas of key.
func (s *Schemas) local(key string) bool {
	_, err := os.Stat(filepath.Join(s.clanDir(), key+".json"))
	return err == nil
}

// resolvedBefore reports whether UserDir has the schemas of the lock file
// required resolved to the last time it was fetched without one.
func (s *Schemas) resolvedBefore(required map[string]any) bool {
	if s.UserDir == "" {
		return false
	}
	marker := s.key(required, nil) + ".lock"
	lock, err := os.ReadFile(filepath.Join(s.UserDir, marker))
	if err != nil || len(lock) == 0 {
		return false
	}
	if _, err = os.Stat(filepath.Join(s.UserDir, s.key(required, lock)+".json")); err != nil {
		return false
	}
	cacheDir(s.UserDir).Used(marker)
	return true
}

// cached reads the schemas kept under key: the clan's, else (for a key
// with a lock file) the user's.
func (s *Schemas) cached(key string, lock []byte) (*tfjson.ProviderSchemas, bool) {
	dirs := []string{s.clanDir()}
	if s.UserDir != "" && len(lock) > 0 {
		dirs = append(dirs, s.UserDir)
	}
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, key+".json"))
		if err != nil {
			continue
		}
		var ps tfjson.ProviderSchemas
		if err := json.Unmarshal(data, &ps); err == nil {
			cacheDir(dir).Used(key + ".json")
			return &ps, true
		}
	}
	return nil, false
}

// keep writes fetched schemas under key into the clan's cache and, for a
// key with a lock file, the user's; both are trimmed of what went unused
// (they grow only here).
func (s *Schemas) keep(key string, lock, data []byte) error {
	if err := atomicfile.WriteCache(filepath.Join(s.clanDir(), key+".json"), data, 0o644); err != nil {
		return err
	}
	if clan.CheckNoLinks(s.Root, clan.SchemasDir) == nil {
		_ = cacheDir(s.clanDir()).Trim() // a cache that was not trimmed still works
	}
	if s.UserDir == "" || len(lock) == 0 {
		return nil
	}
	// The user's cache is a convenience: a run goes on without it.
	if os.MkdirAll(s.UserDir, 0o755) == nil {
		_ = atomicfile.WriteCache(filepath.Join(s.UserDir, key+".json"), data, 0o644)
		_ = cacheDir(s.UserDir).Trim()
	}
	return nil
}

func (s *Schemas) load(ctx context.Context, key string, required map[string]any, lock []byte) (*tfjson.ProviderSchemas, error) {
	if ps, ok := s.cached(key, lock); ok {
		return ps, nil
	}
	if err := state.EnsureWorkDir(s.Root); err != nil {
		return nil, err
	}
	s.fetching.Lock()
	data, resolved, err := s.fetch(ctx, filepath.Join(s.clanDir(), "init-"+key), required, lock)
	s.fetching.Unlock()
	if err != nil {
		return nil, err
	}
	var ps tfjson.ProviderSchemas
	if err := json.Unmarshal(data, &ps); err != nil {
		return nil, fmt.Errorf("reading %s's provider schemas: %v", s.Engine.Name, err)
	}
	if err := s.keep(key, lock, data); err != nil {
		return nil, err
	}
	if len(lock) == 0 && len(resolved) > 0 {
		// The lock file init wrote is the one the workspace's own init writes
		// from the same providers: the run after the first apply, which has
		// it, finds these schemas instead of fetching them again; so does the
		// first check of the user's next clan (resolvedBefore).
		if err := s.keep(s.key(required, resolved), resolved, data); err != nil {
			return nil, err
		}
		if s.UserDir != "" {
			_ = atomicfile.WriteCache(filepath.Join(s.UserDir, key+".lock"), resolved, 0o644)
		}
	}
	return &ps, nil
}

// fetch initialises a scratch dir with the providers and asks for their
// schemas. A provider implied only by a resource type's prefix that does
// not exist (a typo'd type: "aws_instnce" is fine, "awz_instance" is not)
// is left out and tried without, so that the check, not init, reports it.
func (s *Schemas) fetch(ctx context.Context, dir string, required map[string]any, lock []byte) (schemas, resolved []byte, err error) {
	defer os.RemoveAll(dir)
	for {
		if err := os.RemoveAll(dir); err != nil {
			return nil, nil, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, err
		}
		clean := map[string]any{}
		for name, req := range required {
			r := map[string]any{}
			for k, v := range req.(map[string]any) {
				if k != "implied" {
					r[k] = v
				}
			}
			clean[name] = r
		}
		// One block of the builtin provider, so that its schema comes too.
		doc := map[string]any{
			"terraform": map[string]any{"required_providers": clean},
			"data":      map[string]any{"terraform_remote_state": map[string]any{"schema": map[string]any{"backend": "local"}}},
		}
		config, _ := json.Marshal(doc)
		if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), config, 0o644); err != nil {
			return nil, nil, err
		}
		if len(lock) > 0 {
			if err := os.WriteFile(filepath.Join(dir, clan.LockFileName), lock, 0o644); err != nil {
				return nil, nil, err
			}
		}
		env := s.Env
		if len(lock) == 0 || s.NoPluginCache {
			// Without a lock file tofu reinstalls a cached provider into the
			// cache, under the feet of a run using it: install here instead.
			env = nil
			for _, e := range s.Env {
				if !strings.HasPrefix(e, "TF_PLUGIN_CACHE_DIR=") {
					env = append(env, e)
				}
			}
		}
		inv := tofu.Invocation{Dir: dir, Env: env, Args: []string{"init", "-backend=false", "-input=false", "-no-color"}}
		err := s.Engine.Run(ctx, inv)
		if err != nil {
			if dropped := dropMissing(required, err); dropped {
				lock = nil // it may name the provider left out
				continue
			}
			return nil, nil, fmt.Errorf("getting the provider schemas: %s init failed: %v", s.Engine.Name, err)
		}
		var out bytes.Buffer
		inv.Args, inv.Stdout = []string{"providers", "schema", "-json"}, &out
		if err := s.Engine.Run(ctx, inv); err != nil {
			return nil, nil, fmt.Errorf("getting the provider schemas: %v", err)
		}
		resolved, _ := os.ReadFile(filepath.Join(dir, clan.LockFileName))
		return out.Bytes(), resolved, nil
	}
}

// dropMissing removes from required the implied providers init's error
// names, and reports whether it removed any.
func dropMissing(required map[string]any, err error) bool {
	var exit *tofu.ExitError
	if !errors.As(err, &exit) {
		return false
	}
	dropped := false
	for name, req := range required {
		r, _ := req.(map[string]any)
		if r["implied"] == nil {
			continue
		}
		if strings.Contains(exit.Output, r["source"].(string)) {
			delete(required, name)
			dropped = true
		}
	}
	return dropped
}
