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
	dir := userCacheDir("plugins")
	if dir == "" || os.MkdirAll(dir, 0o755) != nil {
		return nil
	}
	return []string{"TF_PLUGIN_CACHE_DIR=" + dir}
}

// userCacheDir is clan-terranix's cache dir name in the user's cache
// (XDG_CACHE_HOME), "" when the user has none.
func userCacheDir(name string) string {
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "clan-terranix", name)
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
