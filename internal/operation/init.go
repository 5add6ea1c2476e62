package operation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

// initGate orders inits: tofu's provider installation races when several
// inits without a dependency lock file share a plugin cache (measured: 6 of
// 10 parallel runs failed on OpenTofu 1.12.6). So the first init of each
// provider set runs alone; the lock file it writes is handed to the other
// workspaces of that set, whose inits then run side by side (with a lock
// file present the races were gone). That first init does not use the
// shared plugin cache at all: without a lock file tofu does not trust a
// cached package, installs it anew into the cache (remove, then link), and
// a plan or apply of another workspace starting that provider in the
// moment fails with "no package ... cached" (seen in fleet-interrupt.txtar).
// It installs into its own work dir instead; with its lock file committed,
// later runs have no such init.
type initGate struct {
	mu sync.RWMutex
	// lockFiles holds the lock file of each provider set initialised in this run.
	lockFiles sync.Map // provider-set key -> []byte
}

// ensureInit runs `init` in dir unless the stamp of a previous init matches:
// same engine, same providers, same backend, same lock file and CLI config.
// It keeps the workspace's lock file beside its state in both directions.
func (r *Runner) ensureInit(ctx context.Context, dir, stateLockFile string, config []byte, inv tofu.Invocation) (bool, error) {
	workLock := filepath.Join(dir, clan.LockFileName)
	if kept, err := os.ReadFile(stateLockFile); err == nil {
		if cur, _ := os.ReadFile(workLock); !bytes.Equal(cur, kept) {
			if err := atomicfile.WriteCache(workLock, kept, 0o644); err != nil {
				return false, err
			}
		}
	}
	setKey := providerSetKey(config)
	lockData, _ := os.ReadFile(workLock)
	if len(lockData) == 0 {
		var err error
		if lockData, _, err = r.siblingLock(setKey, workLock); err != nil {
			return false, err
		}
	}
	stamp := initStamp(r.c.Engine, stampEnv(inv.Env), config, lockData)
	stampPath := filepath.Join(dir, filepath.FromSlash(clan.InitStampFile))
	if old, err := os.ReadFile(stampPath); err == nil && string(old) == stamp {
		if len(lockData) > 0 { // its siblings need not init alone
			r.gate.lockFiles.LoadOrStore(setKey, lockData)
		}
		return false, nil
	}
	stampedEnv := inv.Env // installed without the cache, the providers are as good: no second init
	if len(lockData) > 0 {
		r.gate.mu.RLock()
		defer r.gate.mu.RUnlock()
	} else {
		r.gate.mu.Lock()
		// A sibling of the same provider set may have finished while we
		// waited: with its lock file this init runs beside the others.
		if _, ok, err := r.siblingLock(setKey, workLock); ok || err != nil {
			r.gate.mu.Unlock()
			if err != nil {
				return false, err
			}
			r.gate.mu.RLock()
			defer r.gate.mu.RUnlock()
		} else {
			defer r.gate.mu.Unlock()
			inv.Env = withoutPluginCache(inv.Env)
		}
	}
	inv.Dir = dir
	inv.Args = []string{"init", "-input=false", "-no-color", "-reconfigure"}
	if err := r.c.Engine.Run(ctx, inv); err != nil {
		return true, err
	}
	newLock, err := os.ReadFile(workLock)
	if err == nil {
		r.gate.lockFiles.LoadOrStore(setKey, newLock)
		if kept, _ := os.ReadFile(stateLockFile); !bytes.Equal(kept, newLock) {
			if err := os.MkdirAll(filepath.Dir(stateLockFile), 0o755); err != nil {
				return true, err
			}
			if err := atomicfile.Write(stateLockFile, newLock, 0o644); err != nil {
				return true, err
			}
		}
	}
	stamp = initStamp(r.c.Engine, stampEnv(stampedEnv), config, newLock)
	return true, atomicfile.WriteCache(stampPath, []byte(stamp), 0o644)
}

// siblingLock puts into workLock the lock file of the workspace of the same
// provider set initialised first in this run, if there is one yet.
func (r *Runner) siblingLock(setKey, workLock string) ([]byte, bool, error) {
	sibling, ok := r.gate.lockFiles.Load(setKey)
	if !ok {
		return nil, false, nil
	}
	data := sibling.([]byte)
	return data, true, atomicfile.WriteCache(workLock, data, 0o644)
}

// withoutPluginCache drops the plugin cache clan-terranix set (a cache the
// user configured stays theirs).
func withoutPluginCache(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TF_PLUGIN_CACHE_DIR=") {
			out = append(out, kv)
		}
	}
	return out
}

// stampEnv keeps the variables of tofu's environment that change what init
// installs where (never secrets: credentials stay out of the stamp file).
func stampEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "TF_PLUGIN_CACHE_DIR=") || strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") {
			out = append(out, kv)
		}
	}
	return out
}

// ResolvedLock returns the lock file an init of this run wrote or found for
// the providers of config (a decoded config.tf.json), nil if none yet: the
// lock file every workspace needing those providers inits with in this run.
func (r *Runner) ResolvedLock(config map[string]any) []byte {
	if lock, ok := r.gate.lockFiles.Load(ProviderSetKey(config)); ok {
		return lock.([]byte)
	}
	return nil
}

// ProviderSetKey names the providers a config (a decoded config.tf.json)
// needs: workspaces with the same key resolve the same dependency lock file.
func ProviderSetKey(config map[string]any) string {
	b, _ := json.Marshal(tofu.ProviderRequirements(config)) // map keys are sorted
	return string(b)
}

func providerSetKey(config []byte) string {
	var doc map[string]any
	_ = json.Unmarshal(config, &doc)
	return ProviderSetKey(doc)
}

// initStamp digests what init depends on. Resource bodies are left out: a
// change to them needs no init.
func initStamp(e *tofu.Engine, env []string, config, lockFile []byte) string {
	var doc map[string]any
	_ = json.Unmarshal(config, &doc)
	h := sha256.New()
	write := func(parts ...string) {
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
	}
	write(e.Path, e.Version, os.Getenv("TF_CLI_CONFIG_FILE"), os.Getenv("TF_PLUGIN_CACHE_DIR"), strings.Join(env, "\n"))
	tf, _ := doc["terraform"].(map[string]any)
	for _, key := range []string{"backend", "cloud"} {
		b, _ := json.Marshal(tf[key])
		write(key, string(b))
	}
	b, _ := json.Marshal(doc["module"])
	write("module", string(b))
	write("providers", ProviderSetKey(doc))
	write("lock", string(lockFile))
	return hex.EncodeToString(h.Sum(nil))
}
