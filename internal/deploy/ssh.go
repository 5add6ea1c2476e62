package deploy

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// sshRetryInterval is the pause between two connection attempts. A fresh
// cloud machine takes tens of seconds to boot, so polling faster gains nothing.
var sshRetryInterval = 2 * time.Second

// WaitSSH waits until host:port accepts a TCP connection and sends an SSH
// banner ("SSH-2.0-..."), or timeout passes. progress, when not nil, is called
// after every failed attempt with the time spent so far.
func WaitSSH(ctx context.Context, host string, port int, timeout time.Duration, progress func(elapsed time.Duration)) error {
	address := net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port))
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var lastErr error
	for {
		lastErr = readBanner(ctx, address)
		if lastErr == nil {
			return nil
		}
		if progress != nil {
			progress(time.Since(start))
		}
		select {
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return fmt.Errorf("ssh on %s did not answer within %s (last attempt: %v)", address, timeout, lastErr)
			}
			return fmt.Errorf("waiting for ssh on %s: %w (last attempt: %v)", address, ctx.Err(), lastErr)
		case <-time.After(sshRetryInterval):
		}
	}
}

// readBanner connects once and reads the first line, bounded by a few
// seconds so a silent firewall does not eat the whole timeout in one go.
func readBanner(ctx context.Context, address string) error {
	attempt, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(attempt, "tcp", address)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline, _ := attempt.Deadline()
	_ = conn.SetReadDeadline(deadline)
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("connected but no SSH banner: %v", err)
	}
	if !strings.HasPrefix(line, "SSH-") {
		return fmt.Errorf("connected but the server is not SSH (it said %q)", strings.TrimSpace(line))
	}
	return nil
}
