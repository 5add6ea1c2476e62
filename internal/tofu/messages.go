package tofu

// Message is one line of tofu's machine-readable UI (`-json`).
type Message struct {
	Level      string         `json:"@level"`
	Text       string         `json:"@message"`
	Type       string         `json:"type"`
	Hook       *Hook          `json:"hook,omitempty"`
	Change     *Hook          `json:"change,omitempty"`
	Changes    *ChangeSummary `json:"changes,omitempty"`
	Diagnostic *Diagnostic    `json:"diagnostic,omitempty"`
	Outputs    map[string]any `json:"outputs,omitempty"`
}

// Hook describes the resource an apply_*/planned_change message is about.
type Hook struct {
	Resource struct {
		Addr string `json:"addr"`
	} `json:"resource"`
	Action string `json:"action"`
}

// ChangeSummary counts the changes of a plan or an apply.
type ChangeSummary struct {
	Add       int    `json:"add"`
	Change    int    `json:"change"`
	Import    int    `json:"import"`
	Remove    int    `json:"remove"`
	Operation string `json:"operation"`
}

// Diagnostic is an error or warning.
type Diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
	Range    *struct {
		Filename string `json:"filename"`
		Start    struct {
			Line int `json:"line"`
		} `json:"start"`
	} `json:"range,omitempty"`
}

// Line renders a diagnostic as one line.
func (d *Diagnostic) Line() string {
	s := d.Summary
	if d.Address != "" {
		s = d.Address + ": " + s
	}
	if d.Detail != "" {
		s += ": " + firstLine(d.Detail)
	}
	return s
}
