package deploy

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// serve answers every connection: the first `before` connections get a non-SSH
// greeting (a machine still booting behind something else), then an SSH banner.
func serve(t *testing.T, before int) (host string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for n := 0; ; n++ {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			if n < before {
				conn.Write([]byte("HTTP/1.1 400 Bad Request\r\n"))
			} else {
				conn.Write([]byte("SSH-2.0-OpenSSH_9.9\r\n"))
			}
			conn.Close()
		}
	}()
	addr := ln.Addr().(*net.TCPAddr)
	return addr.IP.String(), addr.Port
}

func fastRetries(t *testing.T) {
	old := sshRetryInterval
	sshRetryInterval = 20 * time.Millisecond
	t.Cleanup(func() { sshRetryInterval = old })
}

func TestWaitSSHWaitsForBanner(t *testing.T) {
	fastRetries(t)
	host, port := serve(t, 3)
	var calls int
	if err := WaitSSH(context.Background(), host, port, 5*time.Second, func(time.Duration) { calls++ }); err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Errorf("progress called %d times, want 3 (once per failed attempt)", calls)
	}
}

func TestWaitSSHTimesOut(t *testing.T) {
	fastRetries(t)
	host, port := serve(t, 1<<30)
	start := time.Now()
	// The message carries the last attempt's error, whichever it was: on a
	// loaded machine even the dial may not finish within the wait.
	err := WaitSSH(context.Background(), host, port, 2*time.Second, nil)
	if err == nil || !strings.Contains(err.Error(), "did not answer within 2s") || !strings.Contains(err.Error(), "(last attempt: ") {
		t.Fatalf("got %v", err)
	}
	// Generous: the check is that the timeout ends the wait, not how
	// fast a busy machine gets there.
	if time.Since(start) > time.Minute {
		t.Errorf("timeout not honoured: %s", time.Since(start))
	}
}

func TestWaitSSHNothingListening(t *testing.T) {
	fastRetries(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	// Stopped after the first failed attempt, however long that took.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := WaitSSH(ctx, "127.0.0.1", port, time.Minute, func(time.Duration) { cancel() })
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("got %v", err)
	}
}
