namespace MLNetAutoencoders;

/// <summary>The optimizer used for training.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma &amp; Ba 2015); weight decay is added to the gradient (L2).</summary>
    Adam = 0,
    /// <summary>AdamW: Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019).</summary>
    AdamW = 1,
    /// <summary>Stochastic gradient descent with momentum.</summary>
    Sgd = 2,
}
