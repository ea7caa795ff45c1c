"""Class starts of 1,000 against one service jar, for A/B comparisons of two service builds.

Run from the repository root after `mvn -B -DskipTests package -pl bench -am`:

    python3 bench/scripts/class_starts.py <service-all.jar> <label>

It starts the jar as the bench does (local mode, in memory, jobs off, the service on core 0 and the
bench's load generator on core 1), imports POOLS pools of SIZE sandboxes, warms up with WARM class
starts (releases or replays after each allocation, alternating), then times one class start per
remaining pool (64 keep-alive connections, every learner at once) and prints the service's CPU per
allocation for each and their median. Compare two jars by running them one after the other, twice,
in alternating order: the machine's speed drifts over minutes.
"""
import json, subprocess, sys, time, os, socket, statistics, urllib.request
BENCH='bench/target/bench-1.0.0-SNAPSHOT-all.jar'
jar=os.path.abspath(sys.argv[1]); label=sys.argv[2]
POOLS=int(os.environ.get('POOLS','26')); SIZE=int(os.environ.get('SIZE','1000')); WARM=int(os.environ.get('WARM','16'))
work=f'/tmp/class-starts-{label}'; os.makedirs(work,exist_ok=True)
inv=[]; sid=3000000
for p in range(POOLS):
    for i in range(SIZE):
        inv.append({"sandbox_id":str(sid),"name":f"lab-p{p:02d}-{i:06d}","external_id":f"identity/accounts/x{sid}","sfdc_account_id":""}); sid+=1
json.dump(inv,open(f'{work}/inv.json','w'))
def free():
    s=socket.socket(); s.bind(('127.0.0.1',0)); p=s.getsockname()[1]; s.close(); return p
port,aport=free(),free(); tok='tok-'+label
cmd=['taskset','-c','0','java','-Ddw.dynamoDb.mode=local','-Ddw.dynamoDb.local.inMemory=true','-Ddw.demoPool.importWhenEmpty=true',f'-Ddw.demoPool.inventory={work}/inv.json',f'-Ddw.server.applicationConnectors[0].port={port}',f'-Ddw.server.adminConnectors[0].port={aport}']
for j in ['sync','cleanup','expiry']: cmd+= [f'-Ddw.jobs.{j}IntervalSeconds=0',f'-Ddw.jobs.{j}StateMachineArn=']
cmd+=['-Ddw.events.localFeed=false','-Ddw.poolGaugeRefreshSeconds=3600','-jar',jar,'server',os.path.abspath('config.yml')]
env=dict(os.environ,BROKER_STORE='local',BROKER_API_TOKEN=tok,BROKER_ADMIN_TOKEN='adm-'+label,DDB_LOCAL_TELEMETRY='0')
svc=subprocess.Popen(cmd,cwd=work,env=env,stdout=open(f'{work}/svc.log','w'),stderr=subprocess.STDOUT)
for _ in range(180):
    try:
        urllib.request.urlopen(f'http://127.0.0.1:{port}/readyz',timeout=2); break
    except Exception: time.sleep(1)
lg=subprocess.Popen(['taskset','-c','1','java','-Xmx256m','-XX:+UseSerialGC','-cp',BENCH,'com.sandboxbroker.bench.LoadGenerator','127.0.0.1',str(port),tok],stdin=subprocess.PIPE,stdout=subprocess.PIPE,text=True)
def cpu():
    f=open(f'/proc/{svc.pid}/stat').read().rsplit(')',1)[1].split()
    return (int(f[11])+int(f[12]))*10.0
def jit():
    t=0
    for tid in os.listdir(f'/proc/{svc.pid}/task'):
        try: s=open(f'/proc/{svc.pid}/task/{tid}/stat').read()
        except: continue
        name=s[s.index('(')+1:s.rindex(')')]
        if name.startswith('C1 Compil') or name.startswith('C2 Compil'):
            f=s.rsplit(')',1)[1].split(); t+=(int(f[11])+int(f[12]))*10.0
    return t
def burst(p,follow):
    ids=[f'{label}-{p}-{i}' for i in range(SIZE)]
    lg.stdin.write(json.dumps({"mode":"burst","connections":64,"fresh":False,"identities":ids,"follow":follow,"pool":f"lab-p{p:02d}"})+'\n'); lg.stdin.flush()
    r=json.loads(lg.stdout.readline())
    bad=[x for x in r['records'] if x['status'] not in (200,201)]
    return len(r['records']),len(bad)
res=[]
for p in range(POOLS):
    measured = p>=WARM
    if measured: time.sleep(3)
    c0=cpu(); j0=jit(); t0=time.time()
    n,bad=burst(p,'none' if measured else ('release' if p%2==0 else 'replay'))
    c1=cpu(); j1=jit(); dt=time.time()-t0
    per=(c1-c0)/SIZE
    print(f'{label} pool {p} {"MEASURED" if measured else "warm"} recs {n} bad {bad} cpu/alloc {per:.3f} ms jit/alloc {(j1-j0)/SIZE:.3f} wall {dt:.2f}s',flush=True)
    if measured: res.append(per)
print(label,'MEDIAN',round(statistics.median(res),3),'all',[round(x,3) for x in res],flush=True)
lg.stdin.close(); lg.kill(); svc.kill()
