package views

// WorkspaceStatus is one workspace as `status` shows it; its JSON is one
// element of `status --json`'s workspaces.
type WorkspaceStatus struct {
	Workspace string `json:"workspace"`
	Status    string `json:"status"`
	LockedBy  string `json:"lockedBy,omitempty"`
	// Note says what to do about an orphaned state.
	Note string `json:"note,omitempty"`
}

// NewStatus is the view of `status`.
func NewStatus(k Kind, s Streams) Table[WorkspaceStatus] {
	return newTable(k, s, "WORKSPACE\tSTATUS\tLOCK", statusRow, func(r WorkspaceStatus) WorkspaceStatus { return r })
}

func statusRow(r WorkspaceStatus) string {
	lock := "-"
	if r.LockedBy != "" {
		lock = "locked by " + r.LockedBy
	}
	status := r.Status
	if r.Note != "" {
		status = r.Note
	}
	return r.Workspace + "\t" + status + "\t" + lock
}
