package tofu

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Leftovers are processes still working in a workspace's work dir that no
// running clan-terranix owns: a tofu outliving a killed clan-terranix (it is
// still writing state: wait for it), and provider plugins whose tofu was
// killed (their results reach no state: end them).
//
// They are found through /proc: tofu runs with the work dir as its working
// directory and its plugins inherit it; a plugin carries go-plugin's magic
// cookie in its environment. No lock file is handed to tofu, so none can
// reach a plugin and outlive the run.
type Leftovers struct {
	Tofus   []int // engine processes (and anything else) running in the dir
	Orphans []int // provider plugins whose engine is gone
}

// pluginCookie is the environment variable go-plugin sets for every plugin
// process tofu starts.
const pluginCookie = "TF_PLUGIN_MAGIC_COOKIE="

// FindLeftovers lists the leftovers in dir (an absolute path). Processes of
// the caller and its ancestors are never listed.
func FindLeftovers(dir string) Leftovers {
	var l Leftovers
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return l // no work dir: nothing can run there
	}
	mine := ancestors()
	type proc struct {
		pid, ppid int
		plugin    bool
	}
	var found []proc
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || mine[pid] {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || strings.TrimSuffix(cwd, " (deleted)") != real {
			continue
		}
		env, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		plugin := bytes.HasPrefix(env, []byte(pluginCookie)) || bytes.Contains(env, []byte("\x00"+pluginCookie))
		found = append(found, proc{pid: pid, ppid: parentOf(pid), plugin: plugin})
	}
	engines := map[int]bool{}
	for _, p := range found {
		if !p.plugin {
			engines[p.pid] = true
			// The engine itself first: it is the one messages name (its
			// provisioners' commands run in the dir too).
			comm, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.pid), "comm"))
			if c := strings.TrimSpace(string(comm)); c == "tofu" || c == "terraform" {
				l.Tofus = append([]int{p.pid}, l.Tofus...)
			} else {
				l.Tofus = append(l.Tofus, p.pid)
			}
		}
	}
	for _, p := range found {
		// A plugin of a live engine ends with it; a plugin of a running
		// clan-terranix's own tofu cannot be here (it holds the lock).
		if p.plugin && !engines[p.ppid] && !mine[p.ppid] {
			l.Orphans = append(l.Orphans, p.pid)
		}
	}
	return l
}

// EndOrphans kills the orphaned plugins of l and returns how many it ended.
func (l Leftovers) EndOrphans() int {
	n := 0
	for _, pid := range l.Orphans {
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			n++
		}
	}
	return n
}

// ancestors are this process and its ancestors.
func ancestors() map[int]bool {
	m := map[int]bool{}
	for pid := os.Getpid(); pid > 1 && !m[pid]; pid = parentOf(pid) {
		m[pid] = true
	}
	return m
}

// parentOf reads the parent pid from /proc/<pid>/stat (0 when gone).
func parentOf(pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces and parentheses: the
	// fields after it start behind the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}
