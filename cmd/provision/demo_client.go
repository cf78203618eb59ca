package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/provision/provision/internal/check/clientdouble"
	"github.com/provision/provision/internal/dotenv"
)

// startLibreChatStandIn serves a double of LibreChat started with the .env
// at envPath, so the demo's check shows the client half too. It boots as
// LibreChat does (discovery against the issuer in the .env, here the
// emulator) and answers /api/config and /oauth/openid; it is not LibreChat.
func startLibreChatStandIn(ctx context.Context, envPath string) (string, func(), error) {
	data, err := os.ReadFile(envPath)
	if err != nil {
		return "", nil, fmt.Errorf("LibreChat stand-in: read %s: %w", envPath, err)
	}
	env, err := dotenv.Parse(data)
	if err != nil {
		return "", nil, fmt.Errorf("LibreChat stand-in: %s: %w", envPath, err)
	}
	lc := clientdouble.NewLibreChat(env)
	if err := lc.Boot(ctx, &http.Client{Timeout: 10 * time.Second}); err != nil {
		return "", nil, fmt.Errorf("LibreChat stand-in: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("LibreChat stand-in: %w", err)
	}
	srv := &http.Server{Handler: lc, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// standInNote labels the stand-in wherever the demo uses it.
func standInNote(url string) string {
	return fmt.Sprintf("LibreChat stand-in at %s: a double of LibreChat v0.8.6's /api/config and /oauth/openid,\n"+
		"started with the .env above and booted against the emulator. It is not LibreChat; against\n"+
		"a real deployment, check probes LibreChat at the output's url.\n", url)
}
