import numpy as np, math
from scipy.stats import binom, gamma as G
rng=np.random.default_rng(1)
V=2000
def dist():
    # Zipf-like with random temperature: entropies from ~0.05 to ~5 nats
    a=rng.uniform(0.6,3.0)
    lg=-a*np.log(np.arange(1,V+1)); lg+=rng.normal(0,0.5,V)
    p=np.exp(lg-lg.max()); p/=p.sum(); return p
def H(p): return -(p*np.log(p+1e-300)).sum()
N=3000
ent=[];gum=[];kgw=[];tour={8:[],16:[],24:[],30:[]}
for _ in range(N):
    p=dist(); ent.append(H(p))
    # gumbel: token argmax ln r / p ; score -ln(1-r_t)
    r=rng.random(V); t=np.argmax(np.log(r)/p); gum.append(-np.log1p(-r[t]))
    # kgw gamma .25 delta 2
    g=rng.random(V)<0.25; q=p*np.exp(2*g); q/=q.sum(); t=rng.choice(V,p=q); kgw.append(g[t])
    # tournament
    bits=rng.random((30,V))<0.5
    for L in tour:
        q=p.copy()
        for l in range(L):
            Gl=(q*bits[l]).sum(); q=np.maximum(q*(1+bits[l]-Gl),0)
        q/=q.sum(); t=rng.choice(V,p=q); tour[L].append(bits[:L,t].sum())
ent=np.array(ent); print("entropy mean",ent.mean())
def need(fn):
    for n in range(2,400):
        if fn(n)<1e-6: return n
gm=np.mean(gum); print("gumbel mean score",gm, "tokens for 1e-6 (mean-based):", need(lambda n: G.sf(gm*n, n)))
km=np.mean(kgw); print("kgw green frac",km, need(lambda n: binom.sf(math.ceil(km*n)-1,n,0.25)))
for L,v in tour.items():
    m=np.mean(v)/L; print("tournament L",L,"mean g",m, need(lambda n: binom.sf(math.ceil(m*n*L)-1,n*L,0.5)))
