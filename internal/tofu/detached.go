package tofu

import (
	"io"
	"os"
	"time"
)

// detachedOutput gives tofu regular files for stdout and stderr instead of
// pipes. If clan-terranix is killed, a pipe would break and tofu would die
// of SIGPIPE at its next line of output, in the middle of an apply; with
// files it finishes, writes its state and exits (the next run waits for
// it: see state.LockLocal). clan-terranix follows the files as they grow.
type detachedOutput struct {
	stdout, stderr *os.File
}

func newDetachedOutput(dir string) (*detachedOutput, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	stdout, err := os.CreateTemp(dir, ".tofu-stdout-*")
	if err != nil {
		return nil, err
	}
	stderr, err := os.CreateTemp(dir, ".tofu-stderr-*")
	if err != nil {
		stdout.Close()
		os.Remove(stdout.Name())
		return nil, err
	}
	return &detachedOutput{stdout: stdout, stderr: stderr}, nil
}

// follow reads stdout from its start as tofu writes it, until exited is
// closed and everything written has been read.
func (d *detachedOutput) follow(exited <-chan struct{}) io.Reader {
	f, err := os.Open(d.stdout.Name())
	if err != nil {
		return io.MultiReader()
	}
	return &followReader{f: f, exited: exited}
}

func (d *detachedOutput) copyStderr(w io.Writer) {
	if f, err := os.Open(d.stderr.Name()); err == nil {
		io.Copy(w, f)
		f.Close()
	}
}

func (d *detachedOutput) remove() {
	for _, f := range []*os.File{d.stdout, d.stderr} {
		f.Close()
		os.Remove(f.Name())
	}
}

// followReader is `tail -f` ending when the writer has exited.
type followReader struct {
	f      *os.File
	exited <-chan struct{}
	done   bool
}

func (r *followReader) Read(p []byte) (int, error) {
	for {
		n, err := r.f.Read(p)
		if n > 0 {
			return n, nil
		}
		if err != nil && err != io.EOF {
			r.f.Close()
			return 0, err
		}
		if r.done {
			r.f.Close()
			return 0, io.EOF
		}
		select {
		case <-r.exited:
			// One more read after the exit catches the last lines.
			r.done = true
		case <-time.After(50 * time.Millisecond):
		}
	}
}
