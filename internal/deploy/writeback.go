package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// InventoryFile is the inventory the write-back edits, relative to the clan root.
const InventoryFile = clan.InventoryJSON

// OutputsPath is machines/<m>/terraform-outputs.json, relative to the clan root.
func OutputsPath(machine string) string {
	return clan.MachineOutputsFile(machine)
}

// SetTargetHost sets machines.<machine>.deploy.targetHost in the inventory.json
// at path (created when absent), keeping every other key, their order and the
// file's indentation. It reports whether the file changed.
func SetTargetHost(path, machine, targetHost string) (bool, error) {
	return editInventory(path, setTargetHost(machine, targetHost))
}

func setTargetHost(machine, targetHost string) func(root *jsonObject) (bool, error) {
	value, _ := marshalNoEscape(targetHost)
	return func(root *jsonObject) (bool, error) {
		machines, err := root.object("", "machines")
		if err != nil {
			return false, err
		}
		m, err := machines.object("machines", machine)
		if err != nil {
			return false, err
		}
		deploy, err := m.object("machines."+machine, "deploy")
		if err != nil {
			return false, err
		}
		if old, ok := deploy.values["targetHost"].(json.RawMessage); ok && bytes.Equal(bytes.TrimSpace(old), value) {
			return false, nil
		}
		deploy.set("targetHost", json.RawMessage(value))
		return true, nil
	}
}

// ClearTargetHost removes machines.<machine>.deploy.targetHost from the
// inventory.json at path if it is still targetHost (one set since, by hand or
// by another run, stays), and the deploy object with it when nothing else is
// left in it. It reports whether the file changed.
func ClearTargetHost(path, machine, targetHost string) (bool, error) {
	value, _ := marshalNoEscape(targetHost)
	return editInventory(path, clearTargetHost(machine, value))
}

// clearTargetHost removes the machine's targetHost if it is value (any
// value when value is nil).
func clearTargetHost(machine string, value []byte) func(root *jsonObject) (bool, error) {
	return func(root *jsonObject) (bool, error) {
		m := root.existing("machines").existing(machine)
		deploy := m.existing("deploy")
		if deploy == nil {
			return false, nil
		}
		old, ok := deploy.values["targetHost"].(json.RawMessage)
		if !ok || value != nil && !bytes.Equal(bytes.TrimSpace(old), value) {
			return false, nil
		}
		deploy.remove("targetHost")
		if len(deploy.keys) == 0 {
			m.remove("deploy")
		}
		return true, nil
	}
}

// editInventory reads the inventory.json at path (an empty object when
// absent), lets edit change it, and writes it back in the file's own style
// if edit reports a change. Several runs of clan-terranix on one clan (two
// operators, two terminals) each read, change and write the file: an
// exclusive flock on .clan-terranix/inventory.lock beside it keeps one from
// writing over what another just wrote.
func editInventory(path string, edit func(root *jsonObject) (bool, error)) (bool, error) {
	unlock, err := lockInventory(path)
	if err != nil {
		return false, err
	}
	defer unlock()
	_, _, changed, err := editLocked(path, edit)
	return changed, err
}

func lockInventory(path string) (func(), error) {
	unlock, err := lockFile(filepath.Join(filepath.Dir(path), filepath.FromSlash(clan.InventoryLock)))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return unlock, nil
}

// editLocked is editInventory for a caller holding the lock; it returns the
// file's content before (nil: there was none) and after the edit.
func editLocked(path string, edit func(root *jsonObject) (bool, error)) (before, after []byte, changed bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, false, err
	}
	root := newJSONObject()
	if len(bytes.TrimSpace(data)) > 0 {
		if root, err = parseJSONDocument(data); err != nil {
			return nil, nil, false, fmt.Errorf("%s: %v", path, err)
		}
	}
	changed, err = edit(root)
	if err != nil || !changed {
		if err != nil {
			err = fmt.Errorf("%s: %v", path, err)
		}
		return data, data, false, err
	}
	out, err := root.encode(detectStyle(data))
	if err != nil {
		return nil, nil, false, fmt.Errorf("%s: %v", path, err)
	}
	if err := writeFileAtomic(path, out); err != nil {
		return nil, nil, false, err
	}
	return data, out, true, nil
}

// WriteOutputs writes the non-sensitive outputs to machines/<m>/terraform-outputs.json
// under root and reports whether the file changed. Sensitive outputs are never written.
func WriteOutputs(root, machine string, outputs map[string]Output) (bool, error) {
	data, err := json.MarshalIndent(PublicOutputs(outputs), "", "  ")
	if err != nil {
		return false, fmt.Errorf("workspace %s: outputs: %v", machine, err)
	}
	data = append(data, '\n')
	path := filepath.Join(root, OutputsPath(machine))
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	return true, writeFileAtomic(path, data)
}

// WriteBackRequest is what WriteBack needs after a successful apply of a machine workspace.
type WriteBackRequest struct {
	Root     string // clan root
	Machine  string
	Outputs  map[string]Output
	Settings Settings
	// NixSetsTargetHost is true when Nix already sets inventory.machines.<m>.deploy.targetHost
	// (or clan.core.networking.targetHost): then inventory.json is left alone, as the Clan CLI does.
	NixSetsTargetHost bool
	// Checker, when set, judges inventory.json once the targetHost is in it
	// (the clan still evaluates, with that address); when the clan refuses it
	// the write is undone and WriteBack returns a *RefusedError.
	Checker *Checker
}

// WriteBackResult says what WriteBack wrote. The caller commits Paths with CommitMessage.
type WriteBackResult struct {
	TargetHost    string   // user@host[:port], "" when the workspace has no address output
	Paths         []string // changed files, relative to the clan root, sorted
	CommitMessage string   // "" when nothing changed
	Notes         []string // things the user should know (no address output, Nix sets it)
}

// WriteBack records the machine's address in inventory.json and its outputs in
// machines/<m>/terraform-outputs.json. A *RefusedError comes with the result
// of everything else, to be committed all the same.
func WriteBack(req WriteBackRequest) (WriteBackResult, error) {
	var res WriteBackResult
	var subjects []string
	var refused error
	addr, port, addrErr := Endpoint(req.Machine, req.Outputs, req.Settings)
	switch {
	case addrErr != nil:
		res.Notes = append(res.Notes, addrErr.Error()+": targetHost not recorded")
	case req.NixSetsTargetHost:
		res.TargetHost = TargetHost(req.Settings.TargetUser, addr, port)
		res.Notes = append(res.Notes, fmt.Sprintf("machine %s: Nix sets its targetHost, so inventory.json keeps it (address from outputs: %s)", req.Machine, res.TargetHost))
	default:
		res.TargetHost = TargetHost(req.Settings.TargetUser, addr, port)
		var changed bool
		var err error
		if req.Checker != nil {
			changed, err = req.Checker.SetTargetHost(req.Machine, res.TargetHost)
		} else {
			changed, err = SetTargetHost(filepath.Join(req.Root, InventoryFile), req.Machine, res.TargetHost)
		}
		var r *RefusedError
		if errors.As(err, &r) {
			refused, err = err, nil
		}
		if err != nil {
			return res, err
		}
		if changed {
			res.Paths = append(res.Paths, InventoryFile)
			subjects = append(subjects, fmt.Sprintf("%s: set targetHost of %s", InventoryFile, req.Machine))
		}
	}
	changed, err := WriteOutputs(req.Root, req.Machine, req.Outputs)
	if err != nil {
		return res, err
	}
	if changed {
		res.Paths = append(res.Paths, OutputsPath(req.Machine))
		subjects = append(subjects, fmt.Sprintf("%s: update outputs of %s", OutputsPath(req.Machine), req.Machine))
	}
	sort.Strings(res.Paths)
	if len(subjects) > 0 {
		res.CommitMessage = subjects[0]
		if len(subjects) > 1 {
			res.CommitMessage += "\n\n" + strings.Join(subjects[1:], "\n")
		}
	}
	return res, refused
}

// ForgetMachine undoes the write-back of a machine whose infrastructure was
// destroyed: machines/<m>/terraform-outputs.json goes, so that NixOS is not
// built against outputs of resources that are gone, and the targetHost in
// inventory.json goes too when it is still the address those outputs gave
// (one set since by hand stays). It returns the changed paths, relative to
// root, sorted.
func ForgetMachine(root, machine string, s Settings) ([]string, error) {
	file := OutputsPath(machine)
	data, err := os.ReadFile(filepath.Join(root, file))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var values map[string]any
	if err := json.Unmarshal(data, &values); err != nil {
		return nil, fmt.Errorf("%s: not the outputs clan-terranix writes: %v", file, err)
	}
	outputs := make(map[string]Output, len(values))
	for name, v := range values {
		outputs[name] = Output{Value: v}
	}
	var paths []string
	if addr, port, err := Endpoint(machine, outputs, s); err == nil {
		changed, err := ClearTargetHost(filepath.Join(root, InventoryFile), machine, TargetHost(s.TargetUser, addr, port))
		if err != nil {
			return nil, err
		}
		if changed {
			paths = append(paths, InventoryFile)
		}
	}
	if err := os.Remove(filepath.Join(root, file)); err != nil {
		return nil, err
	}
	return append(paths, file), nil
}

// lockFile waits for an exclusive flock(2) on path (created when absent)
// and returns its release.
func lockFile(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("flock %s: %v", path, err)
	}
	return func() { f.Close() }, nil
}

// writeFileAtomic writes through atomicfile (temp file and rename, so a crash
// leaves the old file or the new one); an existing file keeps its permissions.
func writeFileAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := atomicfile.Write(path, data, mode); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}
