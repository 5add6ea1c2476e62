package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// InstallRecord is the content of machines/<m>/terraform-install.json
// (clan.MachineInstallRecord). It remembers which instance NixOS was
// installed on, so that a replaced instance (new id after an apply) is
// noticed before anyone runs `clan machines update` against a blank machine,
// or reinstalls a live one.
type InstallRecord struct {
	InstanceID       string    `json:"instanceId,omitempty"`
	InstanceIDOutput string    `json:"instanceIdOutput"`
	TargetHost       string    `json:"targetHost"`
	InstalledAt      time.Time `json:"installedAt"`
}

// InstallRecordPath is machines/<m>/terraform-install.json, relative to the clan root.
func InstallRecordPath(machine string) string {
	return clan.MachineInstallRecord(machine)
}

// ReadInstallRecord returns the machine's record, or nil when it was never installed by us.
func ReadInstallRecord(root, machine string) (*InstallRecord, error) {
	path := filepath.Join(root, InstallRecordPath(machine))
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rec InstallRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("%s: not an install record: %v", path, err)
	}
	return &rec, nil
}

// WriteInstallRecord writes the record and returns its path relative to root.
func WriteInstallRecord(root, machine string, rec InstallRecord) (string, error) {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return "", err
	}
	rel := InstallRecordPath(machine)
	path := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	return rel, writeFileAtomic(path, append(data, '\n'))
}

// Installed says whether NixOS was installed on the machine: by us (install
// record) or by the Clan CLI on its own (inventory.json machines.<m>.installedAt).
func Installed(root, machine string) (bool, error) {
	rec, err := ReadInstallRecord(root, machine)
	if err != nil || rec != nil {
		return rec != nil, err
	}
	return clanInstalledAt(root, machine) != "", nil
}

// clanInstalledAt reads inventory.json machines.<m>.installedAt ("" when unset
// or unreadable: a broken inventory.json is reported by the write-back, not here).
func clanInstalledAt(root, machine string) string {
	data, err := os.ReadFile(filepath.Join(root, InventoryFile))
	if err != nil {
		return ""
	}
	var inv struct {
		Machines map[string]struct {
			InstalledAt any `json:"installedAt"`
		} `json:"machines"`
	}
	if json.Unmarshal(data, &inv) != nil || inv.Machines[machine].InstalledAt == nil {
		return ""
	}
	return fmt.Sprint(inv.Machines[machine].InstalledAt)
}

// CheckInstall decides whether installing is allowed. A machine installed
// before is only installed again with reinstall, because installing wipes its
// disks; the error says whether the instance was replaced since.
func CheckInstall(root, machine, currentID string, s Settings, reinstall bool) error {
	if reinstall {
		return nil
	}
	rec, err := ReadInstallRecord(root, machine)
	if err != nil {
		return err
	}
	if rec == nil {
		if at := clanInstalledAt(root, machine); at != "" {
			return fmt.Errorf("machine %s: the Clan CLI installed it (inventory.json installedAt %s); use `update %s`, or `install --reinstall` to wipe it and install again", machine, at, machine)
		}
		return nil
	}
	when := rec.InstalledAt.UTC().Format(time.RFC3339)
	switch {
	case rec.InstanceID != "" && currentID != "" && rec.InstanceID != currentID:
		return fmt.Errorf("machine %s: its instance was replaced since NixOS was installed on %s (%s %s -> %s); run `install %s --reinstall` to install NixOS on the new instance",
			machine, when, s.InstanceIDOutput, rec.InstanceID, currentID, machine)
	case rec.InstanceID != "" && rec.InstanceID == currentID:
		return fmt.Errorf("machine %s: NixOS is already installed on instance %s (since %s); use `update %s`, or `install --reinstall` to wipe it and install again", machine, currentID, when, machine)
	default:
		return fmt.Errorf("machine %s: NixOS was installed on %s and the instance cannot be compared (no output %s); use `update %s`, or `install --reinstall`", machine, when, s.InstanceIDOutput, machine)
	}
}

// SplitDeploy sorts machines for `deploy`: install those never installed,
// update the rest. Both lists keep the input order.
func SplitDeploy(root string, machines []string) (install, update []string, err error) {
	for _, m := range machines {
		done, err := Installed(root, m)
		if err != nil {
			return nil, nil, err
		}
		if done {
			update = append(update, m)
		} else {
			install = append(install, m)
		}
	}
	return install, update, nil
}

// CheckUpdate refuses to update a machine whose instance was replaced since
// the install: the new instance runs no NixOS of ours yet, so it needs install.
func CheckUpdate(root, machine, currentID string, s Settings) error {
	rec, err := ReadInstallRecord(root, machine)
	if err != nil || rec == nil || rec.InstanceID == "" || currentID == "" || rec.InstanceID == currentID {
		return err
	}
	return fmt.Errorf("machine %s: its instance was replaced since NixOS was installed on %s (%s %s -> %s); run `install %s --reinstall` first",
		machine, rec.InstalledAt.UTC().Format(time.RFC3339), s.InstanceIDOutput, rec.InstanceID, currentID, machine)
}
