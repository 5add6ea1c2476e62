package clan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// CheckInventoryJSON reads the clan's inventory.json as the Clan CLI does
// (Python's json.load on the file opened as UTF-8: no byte-order mark, an
// object at the top), so that a file the Clan CLI would refuse is refused
// here first, naming it, before anything is applied: Nix reads it more
// leniently, and the write-back after an apply would fail on it.
func CheckInventoryJSON(root string) error {
	path := filepath.Join(root, InventoryJSON)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	rel := InventoryJSON
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return fmt.Errorf("%s starts with a UTF-8 byte-order mark, which the Clan CLI cannot read (\"Unexpected UTF-8 BOM\"): save it without one", rel)
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err = dec.Decode(&doc); err == nil && dec.More() {
		err = errors.New("extra data after the JSON value")
	}
	if err != nil {
		if len(bytes.TrimSpace(data)) == 0 {
			return fmt.Errorf("%s is empty: write {} into it, or remove it", rel)
		}
		return fmt.Errorf("%s is not valid JSON: %s", rel, jsonErrorAt(data, err))
	}
	if _, ok := doc.(map[string]any); !ok {
		return fmt.Errorf("%s must hold a JSON object at the top, not %s", rel, jsonKind(doc))
	}
	return nil
}

// jsonErrorAt is a JSON error with its line and column.
func jsonErrorAt(data []byte, err error) string {
	var syntax *json.SyntaxError
	var typed *json.UnmarshalTypeError
	offset := int64(-1)
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset - 1 // Offset is just past the byte at fault
	case errors.As(err, &typed):
		offset = typed.Offset
	case errors.Is(err, io.ErrUnexpectedEOF):
		offset = int64(len(data))
	}
	if offset < 0 {
		return err.Error()
	}
	line, col := 1, 1
	for _, b := range data[:min(int(offset), len(data))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d column %d: %v", line, col, err)
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
