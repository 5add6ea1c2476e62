package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// jsonObject is a JSON object that remembers its key order. Values other than
// objects stay raw bytes, so numbers, string escapes and arrays come back as
// the user wrote them (re-indented in the file's own style).
type jsonObject struct {
	keys   []string
	values map[string]any // *jsonObject or json.RawMessage
}

func newJSONObject() *jsonObject { return &jsonObject{values: map[string]any{}} }

// parseJSONDocument parses a whole file that must hold one JSON object, with
// errors a person can act on (line numbers, "truncated").
func parseJSONDocument(data []byte) (*jsonObject, error) {
	obj, err := parseJSONObject(data)
	var syntax *json.SyntaxError
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return nil, fmt.Errorf("truncated JSON (unexpected end of file)")
	case errors.As(err, &syntax):
		line := 1 + bytes.Count(data[:min(int(syntax.Offset), len(data))], []byte("\n"))
		return nil, fmt.Errorf("line %d: %v", line, syntax)
	}
	return obj, err
}

// parseJSONObject parses data, which must be a JSON object.
func parseJSONObject(data []byte) (*jsonObject, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not a JSON object")
	}
	obj := newJSONObject()
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		var value any = raw
		if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '{' {
			if value, err = parseJSONObject(trimmed); err != nil {
				return nil, err
			}
		}
		obj.set(key, value)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the top-level object")
	}
	return obj, nil
}

func (o *jsonObject) set(key string, value any) {
	if _, ok := o.values[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.values[key] = value
}

// remove deletes key, keeping the order of the others.
func (o *jsonObject) remove(key string) {
	if _, ok := o.values[key]; !ok {
		return
	}
	delete(o.values, key)
	o.keys = slices.DeleteFunc(o.keys, func(k string) bool { return k == key })
}

// existing returns the object under key, or nil when there is none (also
// when o is nil, so that lookups chain).
func (o *jsonObject) existing(key string) *jsonObject {
	if o == nil {
		return nil
	}
	child, _ := o.values[key].(*jsonObject)
	return child
}

// object returns the object under key, creating it when absent. path is the
// dotted path of o, for the error when the key holds something else.
func (o *jsonObject) object(path, key string) (*jsonObject, error) {
	switch v := o.values[key].(type) {
	case *jsonObject:
		return v, nil
	case nil:
		child := newJSONObject()
		o.set(key, child)
		return child, nil
	case json.RawMessage:
		if string(bytes.TrimSpace(v)) == "null" {
			child := newJSONObject()
			o.set(key, child)
			return child, nil
		}
	}
	return nil, fmt.Errorf("%s is not an object", strings.TrimPrefix(path+"."+key, "."))
}

// jsonStyle is how a file is indented: compact, or one indent unit per level.
type jsonStyle struct {
	compact         bool
	indent          string
	trailingNewline bool
}

// detectStyle takes the indent unit from the first indented line.
func detectStyle(data []byte) jsonStyle {
	style := jsonStyle{indent: "  ", trailingNewline: len(data) == 0 || bytes.HasSuffix(data, []byte("\n"))}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && !bytes.Contains(trimmed, []byte("\n")) {
		style.compact = true
		return style
	}
	for _, line := range strings.Split(string(trimmed), "\n")[1:] {
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if indent != "" {
			style.indent = indent
			break
		}
	}
	return style
}

func (o *jsonObject) encode(style jsonStyle) ([]byte, error) {
	var buf bytes.Buffer
	if err := o.write(&buf, style, ""); err != nil {
		return nil, err
	}
	if style.trailingNewline {
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

func (o *jsonObject) write(buf *bytes.Buffer, style jsonStyle, prefix string) error {
	if len(o.keys) == 0 {
		buf.WriteString("{}")
		return nil
	}
	inner := prefix + style.indent
	buf.WriteByte('{')
	for i, key := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		if !style.compact {
			buf.WriteString("\n" + inner)
		}
		k, err := marshalNoEscape(key)
		if err != nil {
			return err
		}
		buf.Write(k)
		buf.WriteByte(':')
		if !style.compact {
			buf.WriteByte(' ')
		}
		switch v := o.values[key].(type) {
		case *jsonObject:
			if err := v.write(buf, style, inner); err != nil {
				return err
			}
		case json.RawMessage:
			var err error
			if style.compact {
				err = json.Compact(buf, v)
			} else {
				err = json.Indent(buf, v, inner, style.indent)
			}
			if err != nil {
				return err
			}
		}
	}
	if !style.compact {
		buf.WriteString("\n" + prefix)
	}
	buf.WriteByte('}')
	return nil
}

// marshalNoEscape encodes v as JSON without escaping <, > and &, as people write them.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
