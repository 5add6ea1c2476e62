package app

import (
	"os"
	"path/filepath"
	"strings"
)

// pluginCacheEnv gives tofu a shared provider cache when the user has none:
// without one every workspace downloads its providers anew (hundreds of MB
// for a cloud provider, times the number of machines). Inits sharing a cache
// are ordered by the operation's init gate, which hands each provider set's
// lock file to its siblings.
func pluginCacheEnv() []string {
	if os.Getenv("TF_PLUGIN_CACHE_DIR") != "" || cliConfigSetsPluginCache() {
		return nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return nil
	}
	dir := filepath.Join(base, "clan-terranix", "plugins")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil
	}
	return []string{"TF_PLUGIN_CACHE_DIR=" + dir}
}

// cliConfigSetsPluginCache reports whether the user's tofu CLI config sets
// plugin_cache_dir itself.
func cliConfigSetsPluginCache() bool {
	file := os.Getenv("TF_CLI_CONFIG_FILE")
	if file == "" {
		home, _ := os.UserHomeDir()
		file = filepath.Join(home, ".tofurc")
	}
	data, err := os.ReadFile(file)
	return err == nil && strings.Contains(string(data), "plugin_cache_dir")
}
