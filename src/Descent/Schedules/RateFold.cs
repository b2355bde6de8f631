namespace Descent.Schedules;

/// <summary>
/// Evaluates a recursively defined rate (η_t from η_{t−1}) as a function of the step by folding from
/// step 0, remembering where it stopped per initial rate so a run that steps forward costs O(1) a step.
/// The cache never changes a result: any step's rate is the same fold whatever was asked before.
/// </summary>
internal sealed class RateFold(Func<long, double, double, double> next)
{
    private const int Slots = 8;
    private readonly double[] _initial = new double[Slots];
    private readonly long[] _step = new long[Slots];
    private readonly double[] _rate = new double[Slots];
    private int _count;
    private int _evict;

    public double At(long step, double initialRate)
    {
        int slot = -1;
        for (int i = 0; i < _count; i++)
        {
            if (_initial[i].Equals(initialRate))
            {
                slot = i;
                break;
            }
        }

        if (slot < 0)
        {
            slot = _count < Slots ? _count++ : _evict++ % Slots;
            _initial[slot] = initialRate;
            Restart(slot);
        }
        else if (_step[slot] > step)
        {
            Restart(slot);
        }

        long t = _step[slot];
        double rate = _rate[slot];
        while (t < step)
        {
            t++;
            rate = next(t, rate, initialRate);
        }

        _step[slot] = t;
        _rate[slot] = rate;
        return rate;
    }

    private void Restart(int slot)
    {
        _step[slot] = 0;
        _rate[slot] = next(0, _initial[slot], _initial[slot]);
    }
}
