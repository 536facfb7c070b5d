-- Objects updating their fields in a loop: particles moved by their
-- velocities, bounced off the walls, with a running energy total.
local particles = {}
for i = 1, 1000 do
  particles[i] = {x = i % 97, y = i % 89, vx = (i % 7) - 3, vy = (i % 5) - 2,
                  hits = 0, energy = 0.0}
end

for step = 1, 6000 do
  for i = 1, #particles do
    local p = particles[i]
    p.x = p.x + p.vx
    p.y = p.y + p.vy
    if p.x < 0 or p.x > 100 then p.vx = -p.vx; p.hits = p.hits + 1 end
    if p.y < 0 or p.y > 100 then p.vy = -p.vy; p.hits = p.hits + 1 end
    p.energy = p.energy + (p.vx * p.vx + p.vy * p.vy) * 0.5
  end
end

local hits, energy = 0, 0.0
for i = 1, #particles do
  hits = hits + particles[i].hits
  energy = energy + particles[i].energy
end
print(hits, energy)
