package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Info is what can be read from a state file without tofu.
type Info struct {
	Exists    bool   `json:"exists"`
	Encrypted bool   `json:"encrypted"` // OpenTofu native encryption: only serial and lineage are readable
	Version   int    `json:"version,omitempty"`
	Serial    int64  `json:"serial,omitempty"`
	Lineage   string `json:"lineage,omitempty"`
	Resources int    `json:"resources,omitempty"`
}

// ErrInvalid marks every "this is not a usable state file" error.
var ErrInvalid = errors.New("invalid state")

type invalidError struct{ msg string }

func (e *invalidError) Error() string { return e.msg }
func (e *invalidError) Is(target error) bool {
	return target == ErrInvalid
}

func invalid(format string, args ...any) error {
	return &invalidError{msg: fmt.Sprintf(format, args...)}
}

// Validate reads the state file at path (name is how messages call it,
// usually the path relative to the clan root). A missing file is a valid,
// empty state (a workspace never applied).
func Validate(path, name string) (Info, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Info{}, nil
	}
	if err != nil {
		return Info{}, fmt.Errorf("cannot read state %s: %v", name, err)
	}
	return ValidateBytes(data, name)
}

// ValidateBytes is Validate on content (for example a committed version).
func ValidateBytes(data []byte, name string) (Info, error) {
	if line := conflictMarkerLine(data); line > 0 {
		return Info{}, invalid("state %s contains git merge-conflict markers (line %d): keep one side's state whole, never merge two", name, line)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Info{}, invalid("state %s is empty (a write was interrupted?)", name)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var syntaxErr *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return Info{}, invalid("state %s is not a JSON object", name)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &syntaxErr) && syntaxErr.Offset >= int64(len(bytes.TrimRight(data, " \t\r\n")))) {
			return Info{}, invalid("state %s is truncated after %d bytes (a write was interrupted?)", name, len(data))
		}
		return Info{}, invalid("state %s is not valid JSON: %v", name, err)
	}
	if raw == nil {
		return Info{}, invalid("state %s is not a JSON object", name)
	}
	info := Info{Exists: true}
	if _, ok := raw["encrypted_data"]; ok {
		if _, ok := raw["encryption_version"]; !ok {
			return Info{}, invalid("state %s has encrypted_data but no encryption_version: not an OpenTofu encrypted state", name)
		}
		if _, ok := raw["meta"]; !ok {
			return Info{}, invalid("state %s has encrypted_data but no meta: not an OpenTofu encrypted state", name)
		}
		info.Encrypted = true
		// OpenTofu keeps serial and lineage readable beside the ciphertext.
		if head, err := ParseFile(data); err == nil {
			info.Serial, info.Lineage = head.SerialOrZero(), head.LineageOrEmpty()
		}
		return info, nil
	}
	head, err := ParseFile(data)
	if err != nil {
		return Info{}, invalid("state %s has a field of the wrong type: %v", name, err)
	}
	switch {
	case head.Version == nil:
		return Info{}, invalid("state %s is not a Terraform state file (no \"version\")", name)
	case *head.Version < 3 || *head.Version > 4:
		return Info{}, invalid("state %s has format version %d; OpenTofu and Terraform write version 4", name, *head.Version)
	case head.Serial == nil:
		return Info{}, invalid("state %s has no \"serial\"", name)
	case head.Lineage == nil || *head.Lineage == "":
		return Info{}, invalid("state %s has no \"lineage\"", name)
	}
	info.Version, info.Serial, info.Lineage, info.Resources = *head.Version, *head.Serial, *head.Lineage, len(head.Resources)
	return info, nil
}

// conflictMarkerLine returns the 1-based line of the first merge-conflict
// marker, or 0. JSON never has a line starting with these.
func conflictMarkerLine(data []byte) int {
	line := 1
	for rest := data; len(rest) > 0; line++ {
		l, next, _ := bytes.Cut(rest, []byte("\n"))
		if bytes.HasPrefix(l, []byte("<<<<<<< ")) || bytes.HasPrefix(l, []byte(">>>>>>> ")) ||
			bytes.Equal(bytes.TrimRight(l, "\r"), []byte("=======")) || bytes.Equal(l, []byte("<<<<<<<")) {
			return line
		}
		rest = next
	}
	return 0
}
