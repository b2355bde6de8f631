"""Writes seeds.csv: three overlapping Gaussian clusters in four features, text labels, seeded (python3 make_seeds.py)."""
import random

random.seed(7)
classes = {"amber": (5.0, 3.4, 1.5, 0.3), "birch": (5.9, 2.8, 4.3, 1.3), "cedar": (6.6, 3.0, 5.5, 2.0)}
spread = (0.6, 0.5, 0.9, 0.45)
rows = []
for name, mean in classes.items():
    for _ in range(60):
        rows.append([round(random.gauss(m, s), 2) for m, s in zip(mean, spread)] + [name])
random.shuffle(rows)
with open("seeds.csv", "w") as f:
    f.write("length,width,depth,weight,kind\n")
    for r in rows:
        f.write(",".join(str(v) for v in r) + "\n")
