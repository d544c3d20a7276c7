// Command gansible-testcluster runs the local SSH test cluster of package
// testcluster from the shell: for demos, benchmarks and cleaning up after
// a crashed test.
//
//	gansible-testcluster start --hosts a,b,c --state DIR [--python] [--service-manager systemd] [--foreground]
//	gansible-testcluster stop --state DIR
//	gansible-testcluster snapshot --state DIR [--host NAME]
//	gansible-testcluster standins --out DIR
//	gansible-testcluster latency --state DIR --rtt 100ms
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gansible/gansible/testcluster"
	"github.com/spf13/pflag"
)

const usage = `usage: gansible-testcluster COMMAND [flags]

commands:
  start     boot the hosts and print how to reach them
  stop      stop the hosts of a state dir and unmount everything
  snapshot  print, as JSON, what changed on the hosts
  standins  build mesos-0.21.0-1.0.rpm and zookeeper-3.4.6.tar.gz, and the
            hdfs repo's hadoop tarball, hadoop-mesos jar and hdfs key pair
  latency   forward to every host with a delay, until SIGINT or SIGTERM;
            STATE/latency-hosts.yml reaches the hosts through it
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "start":
		err = start(ctx, args)
	case "stop":
		err = stop(args)
	case "snapshot":
		err = snapshot(args)
	case "standins":
		err = standins(ctx, args)
	case "latency":
		err = latency(ctx, args)
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		err = fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gansible-testcluster:", err)
		os.Exit(1)
	}
}

func start(ctx context.Context, args []string) error {
	fs := pflag.NewFlagSet("start", pflag.ExitOnError)
	hosts := fs.StringSlice("hosts", nil, "inventory names of the hosts, comma separated")
	state := fs.String("state", "", "state dir (keys, inventory, logs, host filesystems)")
	python := fs.Bool("python", false, "leave Python visible on the hosts (for ansible-playbook)")
	standinDir := fs.String("standins", "", "dir of the stand-in packages whose key the hosts trust (default STATE/standins)")
	foreground := fs.Bool("foreground", false, "stay running and stop the cluster on SIGINT or SIGTERM")
	serviceMgr := fs.String("service-manager", testcluster.Upstart, "the hosts' service manager: upstart or systemd")
	fs.Parse(args)
	if *state == "" || len(*hosts) == 0 {
		return errors.New("start needs --hosts and --state")
	}
	c, err := testcluster.Start(ctx, testcluster.Options{Hosts: *hosts, StateDir: *state, Python: *python, StandinDir: *standinDir, ServiceManager: *serviceMgr})
	if err != nil {
		return err
	}
	for _, h := range c.Hosts() {
		fmt.Printf("%s\t%s\n", h, c.Addr(h))
	}
	fmt.Printf("inventory:   %s\nssh_config:  %s\nprivate key: %s\nstop with:   gansible-testcluster stop --state %s\n",
		c.InventoryFile(), c.SSHConfigFile(), c.KeyFile(), c.StateDir())
	if !*foreground {
		return nil
	}
	<-ctx.Done()
	return c.Stop()
}

func latency(ctx context.Context, args []string) error {
	fs := pflag.NewFlagSet("latency", pflag.ExitOnError)
	state := fs.String("state", "", "state dir of a running cluster")
	rtt := fs.Duration("rtt", 0, "round-trip time to add (half each way)")
	fs.Parse(args)
	if *state == "" {
		return errors.New("latency needs --state")
	}
	c, err := testcluster.Load(*state)
	if err != nil {
		return err
	}
	l, err := c.StartLatency(*rtt)
	if err != nil {
		return err
	}
	fmt.Printf("inventory: %s (round trip +%v)\n", l.InventoryFile, *rtt)
	<-ctx.Done()
	return l.Close()
}

func stop(args []string) error {
	fs := pflag.NewFlagSet("stop", pflag.ExitOnError)
	state := fs.String("state", "", "state dir of the cluster")
	fs.Parse(args)
	if *state == "" {
		return errors.New("stop needs --state")
	}
	c, err := testcluster.Load(*state)
	if err != nil {
		return err
	}
	return c.Stop()
}

func snapshot(args []string) error {
	fs := pflag.NewFlagSet("snapshot", pflag.ExitOnError)
	state := fs.String("state", "", "state dir of a running cluster")
	host := fs.String("host", "", "only this host")
	fs.Parse(args)
	if *state == "" {
		return errors.New("snapshot needs --state")
	}
	c, err := testcluster.Load(*state)
	if err != nil {
		return err
	}
	var out any
	if *host != "" {
		out, err = c.Snapshot(*host)
	} else {
		out, err = c.SnapshotAll()
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func standins(ctx context.Context, args []string) error {
	fs := pflag.NewFlagSet("standins", pflag.ExitOnError)
	out := fs.String("out", "", "directory to write the stand-ins (and their signing key) to")
	fs.Parse(args)
	if *out == "" {
		return errors.New("standins needs --out")
	}
	if err := testcluster.BuildStandins(ctx, *out); err != nil {
		return err
	}
	if err := testcluster.BuildHDFSStandins(*out); err != nil {
		return err
	}
	var names []string
	for _, n := range []string{testcluster.MesosRPM, testcluster.ZookeeperTGZ, testcluster.HadoopTGZ,
		testcluster.HadoopMesosJar, testcluster.HDFSKey, testcluster.HDFSPubKey} {
		names = append(names, *out+"/"+n)
	}
	fmt.Println(strings.Join(names, "\n"))
	return nil
}
